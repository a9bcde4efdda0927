/**
 * OpenCL kernels (through Aparapi 3.0.2) for the forward pass, VisualBackProp and LRP-epsilon, behind core's engine
 * SPI ({@link org.visualbackprop.engine.ComputeBackend}, registered for {@link java.util.ServiceLoader}).
 *
 * <ul>
 * <li>{@link org.visualbackprop.gpu.OpenClBackend} lists the OpenCL devices and opens engines;</li>
 * <li>{@code DeviceProgram} compiles a network into device operations (BatchNorm folded, ReLU and the channel mean
 *     fused into the conv) and plans the launches of each method;</li>
 * <li>{@code NetKernel} is the one Aparapi kernel that holds every operation;</li>
 * <li>{@code OpenClEngine} keeps the batch's activations on the device: one upload, one download per result;</li>
 * <li>{@link org.visualbackprop.gpu.Bench} times it all ({@code vbp bench}).</li>
 * </ul>
 * Every operation has a plain-Java twin in core (named in its javadoc); the tests compare each device operation's
 * output and each result with core's.
 */
package org.visualbackprop.gpu;
