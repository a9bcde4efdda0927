/**
 * Plain float32 tensors in NCHW order ({@link org.visualbackprop.tensor.Tensor}, {@link org.visualbackprop.tensor.Shape})
 * and the one description of sliding-window geometry ({@link org.visualbackprop.tensor.Window}).
 */
package org.visualbackprop.tensor;
