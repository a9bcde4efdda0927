/**
 * Shared test helpers, exported to the other modules as core's test-jar: every tolerance ({@link
 * org.visualbackprop.testing.Tolerances}), literal double-precision oracles of the engine's arithmetic ({@link
 * org.visualbackprop.testing.LiteralOracles} for convolution and pooling, {@link
 * org.visualbackprop.testing.LiteralNetwork} for a whole network's forward pass), central finite differences ({@link
 * org.visualbackprop.testing.FiniteDifferences}), seeded random data and networks ({@link
 * org.visualbackprop.testing.TestData}, {@link org.visualbackprop.testing.RandomNets}, {@link
 * org.visualbackprop.testing.ConvCase} for jqwik) and assertions that locate the worst element ({@link
 * org.visualbackprop.testing.NumericAssert}).
 */
package org.visualbackprop.testing;
