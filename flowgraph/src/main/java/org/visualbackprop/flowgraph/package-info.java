/**
 * Section 4 of the paper made executable: the multipartite flow graph of a convolutional network on one input
 * ({@link org.visualbackprop.flowgraph.FlowGraph}), sums over its paths computed three ways (enumeration, dynamic
 * programming, a chain of EJML sparse matrices), the contributions phi (Lemma 3, eq. 3) and phi_VBP (Theorem 1,
 * eq. 4), the reweighted bias-free network Ñ of Lemma 2 (also as a core network of
 * {@link org.visualbackprop.flowgraph.LocallyConnected2d} layers), exact rational arithmetic
 * ({@link org.visualbackprop.flowgraph.Field}, {@link org.visualbackprop.flowgraph.Rational}), the checks behind
 * {@code vbp verify} ({@link org.visualbackprop.flowgraph.Verification}) and the measurement of Remark 1
 * ({@link org.visualbackprop.flowgraph.Remark1}). The symbolic proofs per network geometry ({@code vbp verify
 * --symbolic}) live in {@link org.visualbackprop.flowgraph.symbolic}.
 *
 * <p>The statements are those of docs/paper-notes.md, section 3, which corrects Lemma 2 (its factor reads the activation of
 * the edge's target n2, not of its source n1) and fixes the convention {@code 0/0 := 0} and Theorem 1's constant
 * {@code c = prod_l 1/f_l}.
 */
package org.visualbackprop.flowgraph;
