/**
 * Section 4's statements proved symbolically, geometry by geometry: exact multivariate polynomials and rational
 * functions over the rationals (from JAS, the Java Algebra System) as {@link org.visualbackprop.flowgraph.Field}s, the
 * network geometries of a bounded class ({@link org.visualbackprop.flowgraph.symbolic.Geometry},
 * {@link org.visualbackprop.flowgraph.symbolic.GeometryClass}), and the proofs behind {@code vbp verify --symbolic}
 * ({@link org.visualbackprop.flowgraph.symbolic.SymbolicProof}).
 *
 * <p>Theorem 1 is checked as an identity of polynomials in free activations: VisualBackProp never reads a weight, so
 * when core's {@code VisualBackProp.rawMask} (run with polynomial arithmetic) times {@code v(X)} equals the flow
 * graph's {@code phi_VBP(X)} as polynomials, the theorem holds for every weight, bias and input of that geometry. Lemmas
 * 2 and 3 and the corollaries involve weights: there the ReLU on/off pattern is fixed, weights, biases and inputs are
 * variables, every activation is a rational function, and the statements are identities of rational functions for
 * each pattern.
 */
package org.visualbackprop.flowgraph.symbolic;
