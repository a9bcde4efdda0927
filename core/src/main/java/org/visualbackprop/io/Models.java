package org.visualbackprop.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.visualbackprop.io.onnx.OnnxImport;
import org.visualbackprop.io.onnx.OnnxModel;
import org.visualbackprop.io.torch.TorchImport;
import org.visualbackprop.io.torch.TorchModel;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;

/**
 * Loads a network from a model file of any format the project reads, chosen by the file's extension:
 * <ul>
 * <li>{@code .vbpm}: this project's model files ({@link ModelFile}); they record their input size;</li>
 * <li>{@code .t7}, {@code .t7b}: Torch7 files such as the authors' published model ({@link TorchImport}); they do not
 *     record the input size, so it is given, or found among {@link TorchImport#CANDIDATE_SIZES}.</li>
 * <li>{@code .onnx}: ONNX models such as PyTorch's {@code torch.onnx.export} writes ({@link OnnxImport}); the graph
 *     records the input size, except where it is symbolic ({@code dynamic_axes} on height or width): then it is
 *     given.</li>
 * </ul>
 *
 * <pre>{@code
 * Network net = Models.load(Path.of("model.t7b"));
 * }</pre>
 */
public final class Models {
    private Models() {
    }

    /**
     * A loaded network and what is known about it.
     *
     * @param network     the network (evaluation mode is the caller's choice: nothing here runs it)
     * @param provenance  how the model was made (seed, data, hyper-parameters), or what the file says of itself
     * @param format      {@code "vbpm"}, {@code "torch7"} or {@code "onnx"}
     * @param description the file and anything a user should know when running it (for example that a Torch7 model
     *                    was saved in training mode)
     * @param trainingModeBatchNorm true when the file's BatchNorm layers were saved in training mode, so that their
     *                              authors ran them with the statistics of the batch
     */
    public record Loaded(Network network, Provenance provenance, String format, String description, boolean trainingModeBatchNorm) {
        public Loaded {
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(provenance, "provenance");
        }
    }

    /** The file name extensions {@link #load} reads. */
    public static List<String> extensions() {
        return List.of(ModelFile.EXTENSION, ".t7", ".t7b", OnnxImport.EXTENSION);
    }

    /**
     * Loads a model file.
     *
     * @throws NoSuchFileException                     when the file does not exist
     * @throws CorruptFileException                    when it is damaged or not of the format its name says
     * @throws IllegalArgumentException                for a folder or an extension of no known format
     * @throws org.visualbackprop.explain.UnsupportedNetworkException never; see the format readers for unsupported layers
     */
    public static Network load(Path file) throws IOException {
        return open(file, null).network();
    }

    /**
     * Loads a model file whose format does not record the input size (Torch7, ONNX with a symbolic size) with the
     * given one.
     *
     * @param inputShape {@code 1 x C x H x W}; for a format that records its input size it must agree
     * @throws ShapeException when a file that records its input size records another one
     */
    public static Network load(Path file, Shape inputShape) throws IOException {
        return open(file, Objects.requireNonNull(inputShape, "inputShape")).network();
    }

    /**
     * Loads a model file with its provenance and description.
     *
     * @param inputShape the input size for formats that do not record it, or null to use the recorded one (or, for
     *                   Torch7, the first of {@link TorchImport#CANDIDATE_SIZES} that fits)
     * @throws org.visualbackprop.io.onnx.UnsupportedOnnxModelException for an ONNX operator or graph this project cannot
     *                                                                   represent
     */
    public static Loaded open(Path file, Shape inputShape) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a folder, not a model file (expected one of " + String.join(", ", extensions()) + ")");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".t7") || name.endsWith(".t7b")) {
            TorchModel t = inputShape == null ? TorchImport.load(file) : TorchImport.load(file, inputShape);
            boolean training = t.savedInTrainingMode();
            String note = training ? "saved in training mode: the authors ran it with the statistics of the batch" : null;
            return new Loaded(t.network(), t.provenance(), "torch7", file + " (Torch7" + (note == null ? "" : ", " + note) + ")", training);
        }
        if (name.endsWith(OnnxImport.EXTENSION)) {
            OnnxModel o = OnnxImport.load(file, inputShape);
            List<String> about = new java.util.ArrayList<>();
            about.add("ONNX opset " + o.opset() + (o.producer().isEmpty() ? "" : " from " + o.producer()));
            about.addAll(o.notes());
            return new Loaded(o.network(), o.provenance(), "onnx", file + " (" + String.join("; ", about) + ")",
                    o.trainingModeBatchNorm());
        }
        if (name.endsWith(ModelFile.EXTENSION)) {
            ModelFile.Model m = ModelFile.load(file);
            if (inputShape != null && !inputShape.withBatch(1).equals(m.network().inputShape())) {
                throw new ShapeException(file + " records the input size " + m.network().inputShape().describeSample() + ", not the "
                        + inputShape.describeSample() + " asked for");
            }
            return new Loaded(m.network(), m.provenance(), "vbpm", file.toString(), false);
        }
        throw new IllegalArgumentException(file + ": unknown model format (expected a file ending in " + String.join(", ", extensions()) + ")");
    }

    /**
     * An input size as users type it: {@code CxHxW}, e.g. {@code 1x125x640}.
     *
     * @throws IllegalArgumentException naming the text when it is not three positive integers separated by x
     */
    public static Shape parseInputShape(String s) {
        String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 3) {
                int c = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                int w = Integer.parseInt(p[2].trim());
                if (c > 0 && h > 0 && w > 0) {
                    return new Shape(1, c, h, w);
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("input shape must look like CxHxW with positive sizes (e.g. 1x125x640), got '" + s + "'");
    }
}
