package org.visualbackprop.io.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Converts the {@code nn} modules of a Torch7 file ({@link Torch7Reader}) into a {@link Network}.
 *
 * <p><b>Modules</b> (nested {@code nn.Sequential}s are flattened into one list of layers):
 * <ul>
 * <li>{@code nn.SpatialConvolution}, {@code cudnn.SpatialConvolution}, {@code nn.SpatialConvolutionMM} to
 *     {@link Conv2d}: fields {@code kW, kH, dW, dH, padW, padH, nInputPlane, nOutputPlane, weight, bias} (bias may be
 *     nil; the weight may be 4-D {@code out x in x kH x kW} or, for the MM kind, 2-D {@code out x (in*kH*kW)}, the same
 *     order). Torch's convolution is a cross-correlation, as {@link Conv2d}'s is. Groups other than 1 are refused.</li>
 * <li>{@code nn.SpatialBatchNormalization}, {@code cudnn.SpatialBatchNormalization} and {@code nn.BatchNormalization}
 *     (on feature vectors) to {@link BatchNorm2d}: fields {@code eps, momentum, affine, weight, bias} (nil weight and
 *     bias mean 1 and 0), {@code running_mean} and either {@code running_var} (newer files) or {@code running_std}
 *     (older ones). See {@link #varianceFromInverseStd} for the latter.</li>
 * <li>{@code nn.ReLU}, {@code cudnn.ReLU} and {@code nn.Threshold} with threshold 0 and value 0 to {@link ReLU}.</li>
 * <li>{@code nn.SpatialMaxPooling}, {@code cudnn.SpatialMaxPooling} to {@link MaxPool2d} (fields
 *     {@code kW, kH, dW, dH, padW, padH}); {@code ceil_mode} is accepted only where it gives the same output size as
 *     floor mode for the input at hand.</li>
 * <li>{@code nn.View} and {@code nn.Reshape} to {@link Flatten} when they flatten each sample into a vector; the size
 *     they name is checked against what the layers before them produce.</li>
 * <li>{@code nn.Linear} to {@link Dense} (weight {@code out x in}, bias may be nil); {@code nn.Dropout} (the
 *     {@code v2} kind, which scales at training time) to {@link Dropout}; {@code nn.LogSoftMax} to {@link LogSoftmax};
 *     {@code nn.Tanh} and {@code cudnn.Tanh} to {@link Tanh}; {@code nn.Identity} to nothing.</li>
 * </ul>
 * Anything else is refused with an {@link UnsupportedTorchModelException} naming the class and where it sits.
 *
 * <p><b>Input size.</b> A Torch model does not record the size of its input. {@link #load(Path, Shape)} takes it;
 * {@link #load(Path, int, int)} takes height and width and reads the channel count from the model's first
 * convolution or BatchNorm; {@link #load(Path)} infers it (see {@link #inferInputShape}). Converting checks that the
 * chain of layers fits the input: a wrong size gives a {@link ShapeException} naming the View or Linear whose size
 * does not match and what the layers before it produce.
 */
public final class TorchImport {
    /**
     * The input sizes (height x width) that {@link #inferInputShape} tries, in order: the paper's NetSVF input
     * 125 x 640 (the authors' frames), NetHVF's 125 x 349 and the traffic-sign net's 125 x 125 (docs/paper-notes.md, section 2).
     */
    public static final List<Size> CANDIDATE_SIZES = List.of(
            new Size(PaperNets.NETSVF_INPUT.h(), PaperNets.NETSVF_INPUT.w()),
            new Size(PaperNets.NETHVF_INPUT.h(), PaperNets.NETHVF_INPUT.w()),
            new Size(PaperNets.SIGNNET_INPUT.h(), PaperNets.SIGNNET_INPUT.w()));

    /** An input size, height x width. */
    public record Size(int height, int width) {
    }

    private static final String SUPPORTED = "nn.Sequential, nn/cudnn.SpatialConvolution, nn.SpatialConvolutionMM,"
            + " nn/cudnn.SpatialBatchNormalization, nn.BatchNormalization, nn/cudnn.ReLU, nn.Threshold(0, 0),"
            + " nn/cudnn.SpatialMaxPooling, nn.View, nn.Reshape, nn.Linear, nn.Dropout, nn.LogSoftMax, nn/cudnn.Tanh,"
            + " nn.Identity";

    private TorchImport() {
    }

    /**
     * Reads a Torch7 model for inputs of {@code inputShape} ({@code c x h x w}; its batch size is ignored).
     *
     * @throws CorruptFileException           when the file is truncated, corrupt, or its modules lack fields or have
     *                                        inconsistent ones
     * @throws UnsupportedTorchModelException for a module this project has no layer for
     * @throws ShapeException                 when the layers do not fit {@code inputShape}
     */
    public static TorchModel load(Path file, Shape inputShape) throws IOException {
        return convert(Torch7Reader.read(file), inputShape, file.toString());
    }

    /**
     * Reads a Torch7 model for inputs of {@code height x width}, with the channel count of the model's first layer
     * ({@link #inputChannels}).
     */
    public static TorchModel load(Path file, int height, int width) throws IOException {
        Object root = Torch7Reader.read(file);
        return convert(root, new Shape(1, inputChannels(root, file.toString()), height, width), file.toString());
    }

    /** Reads a Torch7 model with an inferred input shape ({@link #inferInputShape}). */
    public static TorchModel load(Path file) throws IOException {
        Object root = Torch7Reader.read(file);
        Shape in = inferInputShape(root, file.toString());
        TorchModel m = convert(root, in, file.toString());
        return new TorchModel(m.network(), m.source(), m.modules(), m.batchNormStatistics(), true);
    }

    /**
     * Converts a value read by {@link Torch7Reader} (the model: an {@code nn} module) for inputs of
     * {@code inputShape}.
     *
     * @param source the file name, for messages
     */
    public static TorchModel convert(Object root, Shape inputShape, String source) throws IOException {
        try {
            return new Converter(source).run(root, inputShape);
        } catch (ShapeException e) {
            String m = String.valueOf(e.getMessage());
            throw m.startsWith(source) ? e : new ShapeException(source + ": " + m);
        }
    }

    /**
     * The number of input channels of the model: {@code nInputPlane} of its first convolution, or the channel count
     * of a BatchNorm that comes first, or the input size of a Linear that comes first.
     *
     * @throws ShapeException when the model has no such layer (give the input shape then)
     */
    public static int inputChannels(Object root, String source) throws IOException {
        Converter c = new Converter(source);
        for (Leaf leaf : c.leaves(root)) {
            Integer ch = c.channelsIn(leaf);
            if (ch != null) {
                return ch;
            }
        }
        throw new ShapeException(source + ": cannot tell the model's input channel count: it has no convolution,"
                + " BatchNorm or Linear layer (give the input shape)");
    }

    /**
     * A plausible input shape for a model that fixes its feature count (with a View, Reshape or Linear after the
     * convolutions, as the paper's networks and the authors' model do): the channel count of
     * {@link #inputChannels}, and the first of {@link #CANDIDATE_SIZES} with which the whole chain of layers fits.
     * A model whose first layer is a Linear gets {@code in x 1 x 1}. For the authors' model (one channel, View(816))
     * this gives 1 x 125 x 640, the size of their frames. The inference is a guess among the paper's sizes, not a
     * property of the file: pass the shape to {@link #load(Path, Shape)} when it is known.
     *
     * @throws ShapeException                 when no candidate fits (the message gives each candidate's mismatch) or
     *                                        when nothing in the model fixes its input size
     * @throws UnsupportedTorchModelException for a module this project has no layer for
     */
    public static Shape inferInputShape(Object root, String source) throws IOException {
        Converter c = new Converter(source);
        List<Leaf> leaves = c.leaves(root);
        int channels = inputChannels(root, source);
        for (Leaf leaf : leaves) {
            String k = leaf.module().className();
            if (c.channelsIn(leaf) != null) {
                if (k.equals("nn.Linear")) {
                    return Shape.vector(1, channels);
                }
                break;
            }
        }
        boolean fixed = leaves.stream().map(l -> l.module().className())
                .anyMatch(k -> k.equals("nn.View") || k.equals("nn.Reshape") || k.equals("nn.Linear"));
        if (!fixed) {
            throw new ShapeException(source + ": cannot infer the input size: the model has no View, Reshape or Linear"
                    + " that fixes it (every size that fits the convolutions works); give the input shape");
        }
        StringBuilder tried = new StringBuilder();
        for (Size hw : CANDIDATE_SIZES) {
            Shape s = new Shape(1, channels, hw.height(), hw.width());
            try {
                new Converter(source).run(root, s);
                return s;
            } catch (ShapeException e) {
                tried.append("; ").append(s.describeSample()).append(": ").append(e.getMessage());
            }
        }
        throw new ShapeException(source + ": cannot infer the input size: none of the paper's sizes fits the model"
                + tried + "; give the input shape");
    }

    /**
     * The running variance equivalent to an old Torch7 BatchNorm's {@code running_std}, the running average of the
     * inverse standard deviation {@code 1 / sqrt(var + eps)}: {@code running_var = 1 / running_std^2 - eps}, computed in
     * double with the float32 {@code eps} that {@link BatchNorm2d} will add back, rounded to float and clamped at 0.
     *
     * <p>Rounding: {@link BatchNorm2d}'s evaluation scale {@code 1 / sqrt(running_var + eps)} then equals
     * {@code running_std} up to three float32 roundings (of {@code running_var}, of the float sum
     * {@code running_var + eps}, of the final scale): a relative error of at most about 2^-23, a few float32 ulps, over
     * the whole range, including {@code running_std} near its largest possible value {@code 1/sqrt(eps)} (316.2 for
     * eps = 1e-5), where {@code running_var} is tiny but is added back to the same eps; TorchImportTest checks this.
     * A value at or beyond {@code 1/sqrt(eps)}, possible only through rounding since every averaged term is at most
     * that, is clamped to variance 0: scale {@code 1/sqrt(eps)}. Torch itself computes
     * {@code (x - running_mean) * running_std * weight + bias} in float32, so the two agree to float32 rounding, not
     * bit for bit.
     *
     * <p>Semantics: old Torch averaged the inverse standard deviation, the converted layer averages the variance. The
     * evaluation-mode output is the same; training the converted network further ({@code Mode.TRAIN}) continues with
     * variance averaging, as newer Torch and PyTorch do.
     *
     * @param runningStd the stored inverse standard deviation, finite and > 0
     * @param eps        the layer's epsilon, as the float {@link BatchNorm2d} keeps
     */
    public static float varianceFromInverseStd(float runningStd, float eps) {
        double s = runningStd;
        return (float) Math.max(0.0, 1.0 / (s * s) - eps);
    }

    /** A module, where it sits, and whether it is a container (whose modules follow it). */
    record Leaf(TorchObject module, String path, boolean container) {
    }

    /** One conversion; keeps the file name for messages. */
    private static final class Converter {
        private final String source;
        private final Set<TorchModel.BatchNormStatistics> bnKinds = EnumSet.noneOf(TorchModel.BatchNormStatistics.class);

        Converter(String source) {
            this.source = source;
        }

        TorchModel run(Object root, Shape inputShape) throws IOException {
            List<TorchModel.Module> modules = new ArrayList<>();
            bnKinds.clear();
            List<Layer> layers = new ArrayList<>();
            Shape s = inputShape.withBatch(1);
            for (Leaf node : nodes(root)) {
                if (node.container()) {
                    modules.add(new TorchModel.Module(node.path(), node.module().className(), train(node.module()),
                            layers.size(), 0, ""));
                    continue;
                }
                List<Layer> made = convert(node, s);
                for (Layer l : made) {
                    try {
                        s = l.outputShape(s);
                    } catch (ShapeException e) {
                        throw new ShapeException(where(node) + (layers.isEmpty() ? " does not fit the network input "
                                + inputShape.describeSample() : " does not fit what the layers before it give for the"
                                + " network input " + inputShape.describeSample()) + ": " + e.getMessage());
                    }
                }
                modules.add(new TorchModel.Module(node.path(), node.module().className(), train(node.module()),
                        layers.size(), made.size(), note(node)));
                layers.addAll(made);
            }
            if (layers.isEmpty()) {
                throw new UnsupportedTorchModelException(source + ": the model has no layers");
            }
            Network net = Network.of(inputShape, layers);
            java.util.Optional<Network.NonFiniteValue> bad = net.findNonFinite();
            if (bad.isPresent()) {
                int at = bad.get().layer();
                String module = "";
                for (TorchModel.Module m : modules) {
                    if (at >= m.firstLayer() && at < m.firstLayer() + m.layerCount()) {
                        module = m.className() + " at " + m.path() + ", ";
                    }
                }
                throw new CorruptFileException(source + ": " + module + "converted to " + bad.get() + ": a model's weights and"
                        + " statistics must be finite (the file is damaged, or was saved from a training run that diverged)");
            }
            return new TorchModel(net, source, modules, bnKinds, false);
        }

        /** The modules that make layers, in order, with nested Sequentials flattened. */
        List<Leaf> leaves(Object root) throws IOException {
            return nodes(root).stream().filter(n -> !n.container()).toList();
        }

        /** Every module in file order (pre-order: a Sequential before its modules). */
        List<Leaf> nodes(Object root) throws IOException {
            if (!(root instanceof TorchObject o)) {
                throw new UnsupportedTorchModelException(source + ": the file holds " + describe(root)
                        + ", not an nn module (expected a model saved with torch.save, such as an nn.Sequential)");
            }
            List<Leaf> out = new ArrayList<>();
            walk(o, "model", out, 0);
            return out;
        }

        private void walk(TorchObject m, String path, List<Leaf> out, int depth) throws IOException {
            if (!m.hasFields()) {
                throw corrupt(path, m, "its contents are " + describe(m.contents()) + " (expected a table of fields)");
            }
            if (!m.className().equals("nn.Sequential")) {
                out.add(new Leaf(m, path, false));
                return;
            }
            if (depth > 100) {
                throw new UnsupportedTorchModelException(source + ": nn.Sequential nested more than 100 deep at " + path);
            }
            out.add(new Leaf(m, path, true));
            Object ms = m.fields().get("modules");
            if (!(ms instanceof TorchTable t)) {
                throw corrupt(path, m, "field 'modules' is " + describe(ms) + " (expected a table of modules)");
            }
            List<Object> list = t.array();
            if (list.size() != t.size()) {
                throw corrupt(path, m, "field 'modules' has keys " + t + " (expected 1 to " + t.size() + ")");
            }
            for (int i = 0; i < list.size(); i++) {
                String p = path + ".modules[" + (i + 1) + "]";
                if (!(list.get(i) instanceof TorchObject child)) {
                    throw corrupt(p, null, "it is " + describe(list.get(i)) + " (expected an nn module)");
                }
                walk(child, p, out, depth + 1);
            }
        }

        private static Boolean train(TorchObject m) {
            return m.field("train") instanceof Boolean b ? b : null;
        }

        /** The input channel count a leaf fixes, or null when it fixes none (ReLU, pooling, ...). */
        Integer channelsIn(Leaf leaf) throws IOException {
            TorchObject m = leaf.module();
            return switch (m.className()) {
                case "nn.SpatialConvolution", "cudnn.SpatialConvolution", "nn.SpatialConvolutionMM" ->
                        positive(leaf, "nInputPlane");
                case "nn.SpatialBatchNormalization", "cudnn.SpatialBatchNormalization", "nn.BatchNormalization" ->
                        tensor(leaf, "running_mean", false).elementCount();
                case "nn.Linear" -> (int) matrix(leaf, "weight")[1];
                default -> null;
            };
        }

        private String note(Leaf leaf) {
            if (leaf.module().className().endsWith("BatchNormalization")) {
                return leaf.module().field("running_var") instanceof TorchTensor ? "running_var"
                        : "running_std (inverse standard deviation) converted to running_var = 1/running_std^2 - eps";
            }
            return "";
        }

        private List<Layer> convert(Leaf leaf, Shape in) throws IOException {
            TorchObject m = leaf.module();
            String k = m.className();
            try {
                return switch (k) {
                    case "nn.SpatialConvolution", "cudnn.SpatialConvolution", "nn.SpatialConvolutionMM" -> List.of(conv(leaf));
                    case "nn.SpatialBatchNormalization", "cudnn.SpatialBatchNormalization" -> List.of(batchNorm(leaf));
                    case "nn.BatchNormalization" -> {
                        if (!in.isVector()) {
                            throw new ShapeException(where(leaf) + " normalizes feature vectors, but the layers before it"
                                    + " give " + in.describeSample() + " per sample");
                        }
                        yield List.of(batchNorm(leaf));
                    }
                    case "nn.ReLU", "nn.Threshold" -> List.of(threshold(leaf));
                    case "cudnn.ReLU" -> {
                        Object mode = m.field("mode");
                        if (mode != null && !"CUDNN_ACTIVATION_RELU".equals(mode)) {
                            throw unsupported(leaf, "its mode is " + mode + " (only CUDNN_ACTIVATION_RELU is a ReLU)");
                        }
                        yield List.of(ReLU.of());
                    }
                    case "nn.SpatialMaxPooling", "cudnn.SpatialMaxPooling" -> List.of(maxPool(leaf, in));
                    case "nn.View", "nn.Reshape" -> List.of(view(leaf, in));
                    case "nn.Linear" -> List.of(linear(leaf, in));
                    case "nn.Dropout" -> List.of(dropout(leaf));
                    case "nn.LogSoftMax" -> List.of(LogSoftmax.of());
                    case "nn.Tanh", "cudnn.Tanh" -> List.of(Tanh.of());
                    case "nn.Identity" -> List.of();
                    default -> throw new UnsupportedTorchModelException(source + ": unsupported Torch module " + k
                            + " at " + leaf.path() + " (supported: " + SUPPORTED + ")");
                };
            } catch (ShapeException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // a layer factory refused a value the file gave
                throw corrupt(leaf.path(), m, e.getMessage());
            }
        }

        private Conv2d conv(Leaf leaf) throws IOException {
            int nIn = positive(leaf, "nInputPlane");
            int nOut = positive(leaf, "nOutputPlane");
            int kW = positive(leaf, "kW");
            int kH = positive(leaf, "kH");
            int dW = optionalInt(leaf, "dW", 1);
            int dH = optionalInt(leaf, "dH", 1);
            int padW = optionalInt(leaf, "padW", optionalInt(leaf, "padding", 0));
            int padH = optionalInt(leaf, "padH", optionalInt(leaf, "padding", 0));
            int groups = optionalInt(leaf, "groups", 1);
            if (groups != 1) {
                throw unsupported(leaf, "it has " + groups + " groups (only ungrouped convolutions are supported)");
            }
            if (dW < 1 || dH < 1 || padW < 0 || padH < 0) {
                throw corrupt(leaf, "stride " + dH + "x" + dW + " and padding " + padH + "x" + padW
                        + " (expected strides >= 1 and padding >= 0)");
            }
            if (padW >= kW || padH >= kH) {
                throw unsupported(leaf, "padding " + padH + "x" + padW + " is not smaller than the kernel " + kH + "x" + kW);
            }
            TorchTensor w = tensor(leaf, "weight", false);
            long[] ws = w.size();
            long expected = (long) nOut * nIn * kH * kW;
            boolean shapeOk = Arrays.equals(ws, new long[] {nOut, nIn, kH, kW})
                    || Arrays.equals(ws, new long[] {nOut, (long) nIn * kH * kW});
            if (!shapeOk) {
                throw corrupt(leaf, "weight has sizes " + Arrays.toString(ws) + " (expected [" + nOut + ", " + nIn + ", "
                        + kH + ", " + kW + "] or [" + nOut + ", " + expected / nOut + "] for nOutputPlane " + nOut
                        + ", nInputPlane " + nIn + ", kernel " + kH + "x" + kW + ")");
            }
            Tensor weight = Tensor.wrap(new Shape(nOut, nIn, kH, kW), w.toFloats());
            Tensor bias = vector(leaf, "bias", nOut, true);
            return Conv2d.withWeights(new Window(kH, kW, dH, dW, padH, padW), weight, bias);
        }

        private BatchNorm2d batchNorm(Leaf leaf) throws IOException {
            TorchTensor meanT = tensor(leaf, "running_mean", false);
            int c = meanT.elementCount();
            if (c < 1) {
                throw corrupt(leaf, "running_mean is empty (expected one value per channel)");
            }
            float eps = (float) optionalNumber(leaf, "eps", BatchNorm2d.DEFAULT_EPS);
            double momentum = optionalNumber(leaf, "momentum", BatchNorm2d.DEFAULT_MOMENTUM);
            Tensor mean = vector(leaf, "running_mean", c, false);
            Tensor var;
            if (leaf.module().field("running_var") instanceof TorchTensor) {
                var = vector(leaf, "running_var", c, false);
                bnKinds.add(TorchModel.BatchNormStatistics.VARIANCE);
            } else if (leaf.module().field("running_std") instanceof TorchTensor) {
                Tensor std = vector(leaf, "running_std", c, false);
                var = Tensor.zeros(std.shape());
                for (int i = 0; i < c; i++) {
                    float s = std.data()[i];
                    if (!(s > 0) || !Float.isFinite(s)) {
                        throw corrupt(leaf, "running_std[" + (i + 1) + "] is " + s
                                + " (expected a finite inverse standard deviation > 0)");
                    }
                    var.data()[i] = varianceFromInverseStd(s, eps);
                }
                bnKinds.add(TorchModel.BatchNormStatistics.INVERSE_STD);
            } else {
                throw corrupt(leaf, "it has neither running_var nor running_std (expected one of them, a tensor of "
                        + c + " values)");
            }
            Tensor gamma = vector(leaf, "weight", c, true);
            Tensor beta = vector(leaf, "bias", c, true);
            if (gamma == null) {
                gamma = Tensor.zeros(Shape.vector(1, c));
                gamma.fillInPlace(1f);
            }
            if (beta == null) {
                beta = Tensor.zeros(Shape.vector(1, c));
            }
            return BatchNorm2d.withStatistics(eps, (float) momentum, gamma, beta, mean, var);
        }

        private ReLU threshold(Leaf leaf) throws IOException {
            double th = optionalNumber(leaf, "threshold", 0);
            double val = optionalNumber(leaf, "val", 0);
            if (th != 0 || val != 0) {
                throw unsupported(leaf, "threshold " + th + " and value " + val
                        + " (only threshold 0 with value 0, a ReLU, is supported)");
            }
            return ReLU.of();
        }

        private MaxPool2d maxPool(Leaf leaf, Shape in) throws IOException {
            int kW = positive(leaf, "kW");
            int kH = positive(leaf, "kH");
            int dW = optionalInt(leaf, "dW", kW);
            int dH = optionalInt(leaf, "dH", kH);
            int padW = optionalInt(leaf, "padW", 0);
            int padH = optionalInt(leaf, "padH", 0);
            if (dW < 1 || dH < 1 || padW < 0 || padH < 0) {
                throw corrupt(leaf, "stride " + dH + "x" + dW + " and padding " + padH + "x" + padW
                        + " (expected strides >= 1 and padding >= 0)");
            }
            if (padW >= kW || padH >= kH) {
                throw unsupported(leaf, "padding " + padH + "x" + padW + " is not smaller than the kernel " + kH + "x" + kW);
            }
            Window w = new Window(kH, kW, dH, dW, padH, padW);
            if (Boolean.TRUE.equals(leaf.module().field("ceil_mode")) && w.fits(in.h(), in.w())) {
                int ch = ceilOut(in.h(), kH, dH, padH);
                int cw = ceilOut(in.w(), kW, dW, padW);
                if (ch != w.outH(in.h()) || cw != w.outW(in.w())) {
                    throw unsupported(leaf, "ceil_mode is set and gives " + ch + " x " + cw + " outputs for its input "
                            + in.describeSample() + " where floor mode gives " + w.outH(in.h()) + " x " + w.outW(in.w())
                            + " (only floor mode is supported)");
                }
            }
            return MaxPool2d.of(w);
        }

        /** Torch's ceil-mode output length: ceil((n + 2p - k) / s) + 1, less one when the last window starts in the padding. */
        private static int ceilOut(int n, int k, int s, int p) {
            int out = Math.floorDiv(n + 2 * p - k + s - 1, s) + 1;
            if (p > 0 && (long) (out - 1) * s >= n + p) {
                out--;
            }
            return out;
        }

        /**
         * A View or Reshape that flattens each sample. Torch's View with sizes {@code s} (no -1) takes
         * {@code prod(s)} values per sample; with a leading -1 ({@code View(-1, 816)}) the -1 is the batch; with
         * {@code setNumInputDims(d)} a -1 is inferred per sample. The result must be a vector: at most one size other
         * than 1.
         */
        private Flatten view(Leaf leaf, Shape in) throws IOException {
            long[] size = sizes(leaf);
            int count = in.sampleSize();
            String k = leaf.module().className();
            String shown = k + "(" + Arrays.toString(size).replaceAll("[\\[\\]]", "") + ")";
            int minusOnes = 0;
            long known = 1;
            for (long s : size) {
                if (s == -1) {
                    minusOnes++;
                } else if (s < 0) {
                    throw corrupt(leaf, "size " + Arrays.toString(size) + " (expected sizes >= 0, or one -1)");
                } else {
                    known *= s;
                }
            }
            if (minusOnes > 1) {
                throw corrupt(leaf, "size " + Arrays.toString(size) + " has more than one -1");
            }
            Object nid = leaf.module().field("numInputDims");
            if (nid != null) {
                // Torch counts the last numInputDims dimensions as the sample: all three of a feature map, the one of a
                // feature vector (a Linear's 2-D output), or all three of an n x c x 1 x 1 tensor
                boolean whole = nid instanceof Double d && (d == 3 || d == 1 && in.isVector());
                if (!whole) {
                    throw unsupported(leaf, shown + " with setNumInputDims(" + nid + ") does not take whole samples of "
                            + in.describeSample() + " (expected numInputDims 3" + (in.isVector() ? " or 1" : "") + ")");
                }
            }
            long[] perSample;
            if (minusOnes == 0) {
                perSample = size;
            } else if (nid instanceof Double) {
                if (known == 0 || count % known != 0) {
                    throw new ShapeException(shown + " at " + leaf.path() + " cannot split the " + count
                            + " values per sample that the layers before it give (" + in.describeSample() + ")");
                }
                perSample = size.clone();
                for (int i = 0; i < perSample.length; i++) {
                    if (perSample[i] == -1) {
                        perSample[i] = count / known;
                    }
                }
            } else if (size.length >= 2 && size[0] == -1) {
                perSample = Arrays.copyOfRange(size, 1, size.length);
            } else {
                throw unsupported(leaf, shown + " without setNumInputDims takes the -1 from the whole batch; only views"
                        + " that flatten each sample are supported (such as View(" + count + ") or View(-1, " + count + "))");
            }
            long prod = 1;
            int notOne = 0;
            for (long s : perSample) {
                prod *= s;
                if (s != 1) {
                    notOne++;
                }
            }
            if (prod != count) {
                throw new ShapeException(shown + " at " + leaf.path() + " expects " + prod + " values per sample, but the"
                        + " layers before it give " + in.describeSample() + " = " + count + ": the input size does not fit"
                        + " the model");
            }
            if (notOne > 1) {
                throw unsupported(leaf, shown + " reshapes each sample to " + Arrays.toString(perSample)
                        + " (only views that flatten each sample into a vector are supported)");
            }
            return Flatten.of();
        }

        /** The size field of a View or Reshape: a LongStorage (or any storage or tensor), or a table of numbers. */
        private long[] sizes(Leaf leaf) throws IOException {
            Object s = leaf.module().field("size");
            if (s instanceof TorchStorage st) {
                return st.toLongs();
            }
            if (s instanceof TorchTensor t) {
                return t.toLongs();
            }
            throw corrupt(leaf, "field 'size' is " + describe(s) + " (expected a torch.LongStorage of sizes)");
        }

        private Dense linear(Leaf leaf, Shape in) throws IOException {
            long[] ws = matrix(leaf, "weight");
            int out = (int) ws[0];
            int nIn = (int) ws[1];
            if (!in.isVector()) {
                throw new ShapeException("nn.Linear(" + nIn + " -> " + out + ") at " + leaf.path() + " needs feature"
                        + " vectors, but the layers before it give " + in.describeSample() + " per sample (a View or"
                        + " Reshape must come before it)");
            }
            if (in.c() != nIn) {
                throw new ShapeException("nn.Linear(" + nIn + " -> " + out + ") at " + leaf.path() + " expects " + nIn
                        + " input features, but the layers before it give " + in.c() + ": the input size does not fit the"
                        + " model");
            }
            Tensor weight = Tensor.wrap(new Shape(out, nIn, 1, 1), tensor(leaf, "weight", false).toFloats());
            return Dense.withWeights(weight, vector(leaf, "bias", out, true));
        }

        /** The sizes {@code [out, in]} of a Linear's weight, checked. */
        private long[] matrix(Leaf leaf, String field) throws IOException {
            TorchTensor w = tensor(leaf, field, false);
            long[] ws = w.size();
            if (ws.length != 2 || ws[0] < 1 || ws[1] < 1) {
                throw corrupt(leaf, field + " has sizes " + Arrays.toString(ws) + " (expected [out, in])");
            }
            return ws;
        }

        private Dropout dropout(Leaf leaf) throws IOException {
            double p = optionalNumber(leaf, "p", 0.5);
            if (!(p >= 0 && p < 1)) {
                throw corrupt(leaf, "dropout probability " + p + " (expected 0 <= p < 1)");
            }
            if (p > 0 && !Boolean.TRUE.equals(leaf.module().field("v2"))) {
                throw unsupported(leaf, "it is the old kind (v2 not true), which multiplies by 1 - p = " + (1 - p)
                        + " in evaluation mode; only inverted dropout (v2, Torch's default since 2015) is supported");
            }
            return Dropout.of((float) p, 0L);
        }

        // ---- fields

        private TorchTensor tensor(Leaf leaf, String field, boolean optional) throws IOException {
            Object v = leaf.module().field(field);
            if (v == null && optional) {
                return null;
            }
            if (v instanceof TorchTensor t) {
                return t;
            }
            throw corrupt(leaf, "field '" + field + "' is " + describe(v) + " (expected a tensor"
                    + (optional ? " or nil" : "") + ")");
        }

        /** A tensor field of {@code n} values as a {@code 1 x n x 1 x 1} tensor, or null when optional and nil. */
        private Tensor vector(Leaf leaf, String field, int n, boolean optional) throws IOException {
            TorchTensor t = tensor(leaf, field, optional);
            if (t == null) {
                return null;
            }
            if (t.elementCount() != n) {
                throw corrupt(leaf, "field '" + field + "' has sizes " + Arrays.toString(t.size()) + " (expected " + n
                        + " values)");
            }
            return Tensor.wrap(Shape.vector(1, n), t.toFloats());
        }

        private double optionalNumber(Leaf leaf, String field, double dflt) throws IOException {
            Object v = leaf.module().field(field);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Double d && Double.isFinite(d)) {
                return d;
            }
            throw corrupt(leaf, "field '" + field + "' is " + describe(v) + " (expected a finite number)");
        }

        private int optionalInt(Leaf leaf, String field, int dflt) throws IOException {
            Object v = leaf.module().field(field);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= 1 << 30) {
                return d.intValue();
            }
            throw corrupt(leaf, "field '" + field + "' is " + describe(v) + " (expected an integer)");
        }

        private int positive(Leaf leaf, String field) throws IOException {
            Object v = leaf.module().field(field);
            if (v == null) {
                throw corrupt(leaf, "field '" + field + "' is missing (expected a positive integer)");
            }
            int i = optionalInt(leaf, field, 0);
            if (i < 1) {
                throw corrupt(leaf, "field '" + field + "' is " + i + " (expected a positive integer)");
            }
            return i;
        }

        // ---- messages

        private String where(Leaf leaf) {
            return leaf.module().className() + " at " + leaf.path();
        }

        private CorruptFileException corrupt(Leaf leaf, String what) {
            return corrupt(leaf.path(), leaf.module(), what);
        }

        private CorruptFileException corrupt(String path, TorchObject m, String what) {
            return new CorruptFileException(source + ": " + (m == null ? "" : m.className() + " ") + "at " + path
                    + ": " + what);
        }

        private UnsupportedTorchModelException unsupported(Leaf leaf, String what) {
            return new UnsupportedTorchModelException(source + ": unsupported " + where(leaf) + ": " + what);
        }

        private static String describe(Object v) {
            if (v == null) {
                return "nil";
            }
            if (v instanceof TorchObject o) {
                return "a torch object " + o.className();
            }
            if (v instanceof TorchTensor t) {
                return "a tensor " + t;
            }
            if (v instanceof TorchStorage s) {
                return "a storage " + s;
            }
            if (v instanceof TorchTable t) {
                return "a table " + t;
            }
            if (v instanceof String s) {
                return "the string '" + s + "'";
            }
            return "the " + v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + v;
        }
    }
}
