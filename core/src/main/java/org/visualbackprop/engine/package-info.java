/**
 * Running a network and its explanations on a compute device, behind one small interface.
 *
 * <p>{@link org.visualbackprop.engine.InferenceEngine} runs one network, in evaluation mode, on one device: the
 * forward pass, VisualBackProp and LRP-epsilon, for batches of any size, and says which device computed every
 * {@link org.visualbackprop.engine.Result}. Implementations are {@link org.visualbackprop.engine.ComputeBackend}s:
 * the plain-Java one here (it wraps {@code Network}, {@code VisualBackProp} and {@code Lrp}) and any found by
 * {@link java.util.ServiceLoader} (the {@code gpu} module provides one that runs OpenCL kernels through Aparapi).
 * {@link org.visualbackprop.engine.Engines} lists the devices and picks one: an OpenCL GPU, else an OpenCL CPU
 * device, else Java threads.
 *
 * <p>The interface is per network rather than per operation (a {@code ConvolutionEngine} next to a
 * {@code VbpEngine}) so that a device implementation can keep every activation on the device between layers and
 * between the forward pass and the explanations: one upload of the batch, one download of the results.
 */
package org.visualbackprop.engine;
