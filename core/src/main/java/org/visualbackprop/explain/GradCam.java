package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via gradient-based localization",
 * Section 3, Eq. 1-2). With {@code A^k} the k-th channel of a conv layer's output and {@code y} the explained score (the
 * class score below a final LogSoftmax; for a regression network its raw output, whatever its sign):
 * <pre>
 *   alpha_k = (1 / Z) sum_(i,j) d y / d A^k_ij          (global average of the gradient over the map's Z positions)
 *   L       = ReLU( sum_k alpha_k A^k )
 * </pre>
 * then {@code L} is resized to the input's height and width by bilinear interpolation with pixel centres aligned
 * ({@code (y + 0.5) * h / H - 0.5}, clamped at the borders: OpenCV's {@code resize} with {@code INTER_LINEAR}, which
 * pytorch-grad-cam uses). The map is not normalized. The layer is by default the ReLU after the last convolution (its
 * output is the rectified feature maps the paper speaks of), else the last convolution; {@link
 * Explainer.Options#gradCamLayer} names another.
 */
public final class GradCam {
    private GradCam() {
    }

    /**
     * The default layer: the ReLU that follows the last {@link Conv2d} (directly), else that convolution.
     *
     * @throws UnsupportedNetworkException when the network has no convolution
     */
    public static int defaultLayer(Network net) {
        int last = -1;
        for (int i = 0; i < net.size(); i++) {
            if (net.layer(i) instanceof Conv2d) {
                last = i;
            }
        }
        if (last < 0) {
            throw new UnsupportedNetworkException("Grad-CAM weighs a convolution's feature maps, and the network has no Conv2d layer");
        }
        return last + 1 < net.size() && net.layer(last + 1) instanceof ReLU ? last + 1 : last;
    }

    /**
     * The layer named {@code name} ({@link Network#name(int)}), checked: below the explained score and with feature maps.
     *
     * @throws IllegalArgumentException naming the layer and listing the possible ones
     */
    public static int layer(Network net, String name) {
        int top = Target.scoreLayer(net);
        List<String> candidates = new ArrayList<>();
        List<Shape> shapes = net.shapes(1);
        for (int i = 0; i < top; i++) {
            if (shapes.get(i).h() * shapes.get(i).w() > 1) {
                candidates.add(net.name(i));
            }
        }
        for (int i = 0; i < top; i++) {
            if (net.name(i).equals(name)) {
                if (!candidates.contains(name)) {
                    break;
                }
                return i;
            }
        }
        throw new IllegalArgumentException("Grad-CAM layer '" + name + "' is not a layer with feature maps below the output; possible: "
                + String.join(", ", candidates));
    }

    /**
     * Grad-CAM of the explained output of every sample, at layer {@code layer}.
     *
     * @param trace a forward pass of the network; its layers' state from that pass is used (run no other pass of the
     *              network between the trace and this call)
     */
    public static Attribution attribute(Trace trace, Target target, int layer) {
        Network net = trace.network();
        int[] t = target.resolve(trace);
        Tensor a = trace.output(layer);
        Tensor g = Backprop.gradient(trace, t, layer + 1, null);
        Shape s = a.shape();
        int n = s.n();
        int channels = s.c();
        int plane = s.plane();
        Shape in = net.inputShape();
        Tensor out = Tensor.zeros(new Shape(n, 1, in.h(), in.w()));
        for (int i = 0; i < n; i++) {
            double[] cam = new double[plane];
            for (int k = 0; k < channels; k++) {
                int o = (i * channels + k) * plane;
                double alpha = 0;
                for (int q = 0; q < plane; q++) {
                    alpha += g.data()[o + q];
                }
                alpha /= plane;
                for (int q = 0; q < plane; q++) {
                    cam[q] += alpha * a.data()[o + q];
                }
            }
            for (int q = 0; q < plane; q++) {
                cam[q] = Math.max(0, cam[q]);
            }
            resizeBilinear(cam, s.h(), s.w(), out.data(), i * in.plane(), in.h(), in.w());
        }
        return new Attribution("gradcam", out, new int[n], t, Attribution.Reduction.SUM, null);
    }

    /**
     * Bilinear resizing with aligned pixel centres: target pixel {@code (y, x)} samples the source at
     * {@code ((y + 0.5) h / H - 0.5, (x + 0.5) w / W - 0.5)}, coordinates clamped to the source.
     *
     * @param out written from {@code offset}, {@code H * W} values (modified)
     */
    static void resizeBilinear(double[] src, int h, int w, float[] out, int offset, int outH, int outW) {
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(Math.max((y + 0.5) * h / outH - 0.5, 0), h - 1);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.min(Math.max((x + 0.5) * w / outW - 0.5, 0), w - 1);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * src[y0 * w + x0] + fx * src[y0 * w + x1])
                        + fy * ((1 - fx) * src[y1 * w + x0] + fx * src[y1 * w + x1]);
                out[offset + y * outW + x] = (float) v;
            }
        }
    }
}
