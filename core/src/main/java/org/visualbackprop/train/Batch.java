package org.visualbackprop.train;

import org.visualbackprop.tensor.Tensor;

/** Inputs and targets of a mini-batch, in the same order. */
public record Batch(Tensor inputs, Tensor targets) {
}
