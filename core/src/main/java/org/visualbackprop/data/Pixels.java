package org.visualbackprop.data;


/**
 * Pixel helpers for the readers of real data: cropping and area-weighted resampling of float planes (reading and
 * converting pictures is {@link org.visualbackprop.image.Images}' job).
 */
final class Pixels {
    private Pixels() {
    }

    /** The rectangle {@code [x0, x0+cw) x [y0, y0+ch)} of each plane (the rectangle must lie inside). */
    static float[] crop(float[] src, int channels, int h, int w, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || cw < 1 || ch < 1 || x0 + cw > w || y0 + ch > h) {
            throw new IllegalArgumentException("crop " + cw + " x " + ch + " at (" + x0 + ", " + y0 + ") outside a "
                    + w + " x " + h + " picture");
        }
        float[] out = new float[channels * cw * ch];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < ch; y++) {
                System.arraycopy(src, c * h * w + (y0 + y) * w + x0, out, c * cw * ch + y * cw, cw);
            }
        }
        return out;
    }

    /**
     * Resamples each plane from {@code sh x sw} to {@code dh x dw} into {@code dst} from {@code off}: along an axis
     * that shrinks, each output pixel is the area-weighted mean of the input pixels it covers; along one that grows,
     * linear interpolation between pixel centres (edges clamped).
     */
    static void resize(float[] src, int channels, int sh, int sw, float[] dst, int off, int dh, int dw) {
        float[] tmp = new float[sh * dw];
        Weights wx = Weights.of(sw, dw);
        Weights wy = Weights.of(sh, dh);
        for (int c = 0; c < channels; c++) {
            int sOff = c * sh * sw;
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < dw; x++) {
                    float s = 0;
                    for (int k = wx.start[x]; k < wx.start[x + 1]; k++) {
                        s += wx.weight[k] * src[sOff + y * sw + wx.index[k]];
                    }
                    tmp[y * dw + x] = s;
                }
            }
            int dOff = off + c * dh * dw;
            for (int y = 0; y < dh; y++) {
                for (int x = 0; x < dw; x++) {
                    float s = 0;
                    for (int k = wy.start[y]; k < wy.start[y + 1]; k++) {
                        s += wy.weight[k] * tmp[wy.index[k] * dw + x];
                    }
                    dst[dOff + y * dw + x] = s;
                }
            }
        }
    }

    /** Sparse resampling weights along one axis: output {@code i} uses entries {@code start[i] .. start[i+1]-1}. */
    private record Weights(int[] start, int[] index, float[] weight) {
        static Weights of(int n, int m) {
            int[] start = new int[m + 1];
            java.util.List<Integer> idx = new java.util.ArrayList<>();
            java.util.List<Float> wt = new java.util.ArrayList<>();
            double scale = (double) n / m;
            for (int i = 0; i < m; i++) {
                start[i] = idx.size();
                if (scale >= 1) {
                    double a = i * scale;
                    double b = (i + 1) * scale;
                    for (int k = (int) Math.floor(a); k < Math.min(n, (int) Math.ceil(b)); k++) {
                        double w = Math.min(b, k + 1) - Math.max(a, k);
                        if (w > 0) {
                            idx.add(k);
                            wt.add((float) (w / scale));
                        }
                    }
                } else {
                    double c = (i + 0.5) * scale - 0.5;
                    int k0 = (int) Math.floor(c);
                    double f = c - k0;
                    int a = Math.max(0, Math.min(n - 1, k0));
                    int b = Math.max(0, Math.min(n - 1, k0 + 1));
                    idx.add(a);
                    wt.add((float) (1 - f));
                    idx.add(b);
                    wt.add((float) f);
                }
            }
            start[m] = idx.size();
            int[] index = new int[idx.size()];
            float[] weight = new float[idx.size()];
            for (int k = 0; k < index.length; k++) {
                index[k] = idx.get(k);
                weight[k] = wt.get(k);
            }
            return new Weights(start, index, weight);
        }
    }
}
