package org.visualbackprop.gpu;

import com.aparapi.Kernel;

/** The buffers and launch parameters of {@link NetKernel} (fields Aparapi turns into kernel arguments). */
abstract class KernelState extends Kernel {
    // arrays (explicit buffers)
    /** The batch as uploaded. */
    float[] input = new float[1];
    /**
     * What the forward pass and VisualBackProp keep on the device from one launch to the next: activations, averaged
     * maps, intermediate masks, raw masks, at the offsets of {@link DeviceProgram.Layout}. Allocated large (at least {@link NetKernel#MIN_WORK_FLOATS}), because Aparapi
     * re-creates a buffer from the Java array whenever the garbage collector has moved that array: a small array
     * written on the device and read by a later launch could lose its contents, while G1 never moves an array this
     * large (a humongous object).
     */
    float[] work = new float[1];
    /**
     * What LRP keeps on the device from launch to launch: the two relevance levels, the group maxima, the per-sample
     * scales and exponents. Apart from {@link #work} because Aparapi counts a buffer's bytes in an {@code int}: one
     * array holds at most 2 GiB, and NetSVF needs about 40 MB per image for activations and relevance together.
     * Allocated as large as {@link #work}, for the same reason.
     */
    float[] lrp = new float[1];
    /** Weights and biases in the layouts of the operations; written once. */
    float[] params = new float[1];
    /** Outputs, downloaded after their last writer: normalized masks, flat flags, predictions, input relevance. */
    float[] mask = new float[1];
    int[] flat = new int[1];
    float[] pred = new float[1];
    float[] relIn = new float[1];
    /** Copies of parts of {@code work} to download ({@link #OP_COPY_OUT}). */
    float[] detail = new float[1];
    /** LRP targets, one per sample; uploaded. */
    int[] targets = new int[1];
    /** Descriptors of the VisualBackProp stages fused into one launch ({@link #OP_VBP_FUSED}); uploaded. */
    int[] meta = new int[1];

    /** Ints per stage descriptor in {@link #meta}. */
    static final int STAGE_INTS = 13;

    @Local
    float[] lmem = new float[NetKernel.LOCAL_FLOATS];

    // the operation of this launch and its parameters (meaning per operation: see each method)
    int op;
    int batch;
    int count;
    int inOff;
    int outOff;
    int aOff;
    int zOff;
    int srcOff;
    int cin;
    int inH;
    int inW;
    int cout;
    int outH;
    int outW;
    int kh;
    int kw;
    int sh;
    int sw;
    int ph;
    int pw;
    int wOff;
    int bOff;
    int relu;
    int meanOff;
    int tileT;
    int tiles;
    int groups;
    int src;
    int dst;
    int rawOff;
    int partOff;
    int sclOff;
    int expoOff;
    int predOff;
    int gps;
    float eps;
    float invC;

}
