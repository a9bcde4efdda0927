/**
 * Layers ({@link org.visualbackprop.nn.Conv2d}, {@link org.visualbackprop.nn.BatchNorm2d}, ...), the {@link org.visualbackprop.nn.Network} that chains them, and the {@link org.visualbackprop.nn.Trace} of a forward pass.
 */
package org.visualbackprop.nn;
