package org.visualbackprop.nn;

/**
 * Folding a BatchNorm into the linear layer after it: {@code W' = W * scale[c_in]}, {@code b' = b + sum W * shift[c_in]}
 * (the shift summed in double), where {@code y = scale * x + shift} is the BatchNorm's per-channel affine map. The
 * folded layer computes the same outputs from the BatchNorm's input. It is exact for a Conv2d without padding (with
 * padding the conv would pad the normalized map with zeros, not the raw one) and for a Dense (through Flattens).
 * LRP's fold rule and the OpenCL engine both use this, so they fold the same way.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /**
     * Which BatchNorm layers among layers {@code 0 .. top} fold into the next layer: those directly before an unpadded
     * Conv2d, and those before a Dense with only Flattens between.
     */
    public static boolean[] foldable(Network net, int top) {
        boolean[] folded = new boolean[net.size()];
        for (int i = 0; i <= top; i++) {
            if (!(net.layer(i) instanceof BatchNorm2d)) {
                continue;
            }
            int j = i + 1;
            while (j <= top && net.layer(j) instanceof Flatten) {
                j++;
            }
            if (j > top) {
                continue;
            }
            Layer next = net.layer(j);
            boolean unpaddedConv = next instanceof Conv2d c && c.window().padH() == 0 && c.window().padW() == 0 && j == i + 1;
            folded[i] = unpaddedConv || next instanceof Dense;
        }
        return folded;
    }

    /**
     * The weights and bias of {@code linear} (a Conv2d or a Dense) with the affine map folded into its input.
     *
     * @param scale      per input channel of the BatchNorm, not modified
     * @param shift      per input channel of the BatchNorm, not modified
     * @param perChannel for a Dense: input features per BatchNorm channel (the plane size of the map a Flatten turned
     *                   into features; 1 for a BatchNorm on vectors); ignored for a Conv2d
     * @return {@code {weights (same layout as the layer's), bias [out]}}, new arrays
     */
    public static float[][] fold(Layer linear, float[] scale, float[] shift, int perChannel) {
        float[][] wb = unfolded(linear);
        float[] w = wb[0];
        float[] b = wb[1];
        int out = b.length;
        int perOutput = w.length / out;
        int per = linear instanceof Conv2d c ? c.window().area() : perChannel;
        if (perOutput / per != scale.length || perOutput % per != 0) {
            throw new IllegalArgumentException("a BatchNorm of " + scale.length + " channels does not line up with the "
                    + perOutput + " inputs per output of " + linear);
        }
        for (int o = 0; o < out; o++) {
            double shiftSum = 0;
            for (int q = 0; q < perOutput; q++) {
                int ch = q / per;
                shiftSum += (double) w[o * perOutput + q] * shift[ch];
                w[o * perOutput + q] *= scale[ch];
            }
            b[o] += (float) shiftSum;
        }
        return new float[][] {w, b};
    }

    /** Copies of the weights and bias (zeros when it has none) of a Conv2d or a Dense. */
    public static float[][] unfolded(Layer linear) {
        if (linear instanceof Conv2d c) {
            return new float[][] {c.weight().value().data().clone(),
                    c.bias() == null ? new float[c.outChannels()] : c.bias().value().data().clone()};
        }
        if (linear instanceof Dense d) {
            return new float[][] {d.weight().value().data().clone(),
                    d.bias() == null ? new float[d.outFeatures()] : d.bias().value().data().clone()};
        }
        throw new IllegalArgumentException("BatchNorm folds into a Conv2d or a Dense, not a " + linear.kind());
    }
}
