package org.visualbackprop.engine;

import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;

/**
 * One network on one device, in evaluation mode: predictions, VisualBackProp and LRP-epsilon for batches.
 *
 * <p>An engine may keep the activations of the last forward pass (on the device, for an OpenCL engine), so that
 * {@link #explainLast} explains it without a second forward pass; {@link #run} does both for batches of any size
 * (splitting those larger than {@link #capacity()}). Engines are not thread-safe, and while one is open it owns its
 * network: do not run or train that network elsewhere at the same time. {@link #close()} frees device memory.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The device this engine computes on (also named in every {@link Result}). */
    DeviceInfo device();

    /** The network it runs. */
    Network network();

    /** The largest batch one forward pass can hold (larger batches are split by {@link #run}). */
    int capacity();

    /**
     * Predictions and whatever {@code request} asks for, for a batch of any size.
     *
     * @param batch {@code n x C x H x W} matching the network's input; not modified
     * @throws org.visualbackprop.explain.UnsupportedNetworkException when the request needs a method the network
     *                                                                or this engine does not support
     */
    Result run(Tensor batch, Request request);

    /**
     * The forward pass alone, keeping what {@link #explainLast} needs.
     *
     * @param batch at most {@link #capacity()} images; not modified
     * @return the predictions (no maps)
     * @throws IllegalArgumentException when the batch is larger than {@link #capacity()}
     */
    Result forward(Tensor batch);

    /**
     * Explains the batch of the last {@link #forward} (or the last part of the last {@link #run}) without another
     * forward pass.
     *
     * @throws IllegalStateException when there was no forward pass yet
     */
    Result explainLast(Request request);

    /** Frees what the engine holds (device buffers). The engine cannot be used afterwards. */
    @Override
    void close();
}
