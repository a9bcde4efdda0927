package org.visualbackprop.experiments;

import org.visualbackprop.explain.Explainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.io.torch.TorchImport;
import org.visualbackprop.io.torch.TorchModel;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * The authors' own steering model ({@code model.t7b}, Torch7) on their own road frames ({@code frames/img1.jpg ..
 * img16.jpg}, gray 640 x 125), from the first author's public repository, explained by VisualBackProp and LRP-epsilon.
 * As the authors ran it ({@code run.lua} never switches the model to evaluation mode), BatchNorm uses the statistics of
 * the batch of all frames ({@link Mode#BATCH_STATISTICS}).
 *
 * <p>The files carry no licence: they are read where they lie ({@link #folder()}), never copied into the project. When
 * they are absent, {@link #folder()} is null and the notebook says so and goes on.
 */
public final class AuthorsFrames {
    /** The folder's name below a parent: {@code shared/authors}. */
    public static final String FOLDER = "shared/authors";

    /** One frame's results. */
    public record Frame(String name, double output, double[] vbpMask, double[] lrpMap, boolean vbpFlat, String lrpDeadLayer) {
    }

    private final Path folder;
    private final TorchModel model;
    private final Tensor inputs;
    private final List<Frame> frames;
    private final double seconds;

    private AuthorsFrames(Path folder, TorchModel model, Tensor inputs, List<Frame> frames, double seconds) {
        this.folder = folder;
        this.model = model;
        this.inputs = inputs;
        this.frames = frames;
        this.seconds = seconds;
    }

    /**
     * Where the authors' files are: the system property {@code vbp.authors.dir} when set, else the first
     * {@code shared/authors} found walking up from the working directory; null when there is none with a
     * {@code model.t7b} and a {@code frames} folder.
     */
    public static Path folder() {
        String prop = System.getProperty("vbp.authors.dir");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            return usable(p) ? p : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve(FOLDER);
            if (usable(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean usable(Path p) {
        return Files.isRegularFile(p.resolve("model.t7b")) && Files.isDirectory(p.resolve("frames"));
    }

    /** A note for when {@link #folder()} is null: where it looked and how to point at the files. */
    public static String absentNote() {
        return "The authors' model and frames were not found (no " + FOLDER + " with model.t7b and frames/ above "
                + Path.of("").toAbsolutePath() + ", and no -Dvbp.authors.dir): this part is skipped.";
    }

    /** Loads the model and every {@code img*.jpg} of {@code folder/frames} (in number order) and explains them together. */
    public static AuthorsFrames load(Path folder, String compared) throws IOException {
        long start = System.nanoTime();
        TorchModel model = TorchImport.load(folder.resolve("model.t7b"));
        Network net = model.network();
        List<Path> files;
        try (Stream<Path> s = Files.list(folder.resolve("frames"))) {
            files = s.filter(p -> p.getFileName().toString().matches("img\\d+\\.jpg")).sorted((a, b) -> Integer.compare(number(a), number(b))).toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no img<N>.jpg frames in " + folder.resolve("frames"));
        }
        List<Tensor> xs = new ArrayList<>();
        for (Path f : files) {
            xs.add(Images.load(f, net.inputShape().c(), net.inputShape().h(), net.inputShape().w(), Images.Fit.EXACT));
        }
        Tensor x = Tensor.stack(xs);
        Explainer vbp = Explainer.of("vbp", net);
        Explainer other = Explainer.of(compared, net);
        Trace t = Explainer.trace(net, x, Mode.BATCH_STATISTICS, null, List.of(vbp, other));
        Explanation e = vbp.explain(t, Target.predicted()).details().orElseThrow();
        Attribution a = other.explain(t, Target.predicted());
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).getFileName().toString();
            out.add(new Frame(name.substring(0, name.length() - 4), t.result().data()[i], Pictures.map(e.mask(), i), a.map(i), e.isFlat(i),
                    a.conservation().get(i).deadLayer()));
        }
        return new AuthorsFrames(folder, model, x, List.copyOf(out), (System.nanoTime() - start) / 1e9);
    }

    private static int number(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(3, n.length() - 4));
    }

    public List<Frame> frames() {
        return frames;
    }

    public TorchModel model() {
        return model;
    }

    /** One line: the model, the frames, the BatchNorm mode, the time taken. */
    public String describe() {
        return String.format(Locale.ROOT, "the authors' model (%s, %,d parameters, input %s) on their %d frames from %s, BatchNorm with "
                        + "the statistics of the batch of all %d frames (as their run.lua); VisualBackProp and LRP in %.1f s",
                model.network().layers().size() + " layers", model.network().parameterCount(), model.network().inputShape().describeSample(),
                frames.size(), folder, frames.size(), seconds);
    }

    /**
     * Frames {@code from} (inclusive) to {@code to} (exclusive) as rows of input | VisualBackProp | LRP, each captioned
     * with the model's output (the authors' steering unit, not documented).
     */
    public BufferedImage figure(int from, int to) {
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = from; i < Math.min(to, frames.size()); i++) {
            Frame f = frames.get(i);
            rows.add(new BufferedImage[] {Images.toImage(inputs, i), Pictures.overlay(inputs, i, f.vbpMask()),
                    Pictures.overlay(inputs, i, Pictures.displayMask(f.lrpMap()))});
            labels.add(String.format(Locale.ROOT, "%s: output %.4f%s   (input | VisualBackProp | LRP)", f.name(), f.output(),
                    f.lrpDeadLayer() != null ? "; LRP map zero: every unit feeding " + f.lrpDeadLayer() + " is off" : ""));
        }
        return Pictures.grid(rows, labels, Pictures.displayWidth(inputs.shape().w()));
    }

    /** The frames whose LRP map is zero because a whole layer is off (the output is then a bias alone), as lines. */
    public List<String> notes() {
        List<String> n = new ArrayList<>();
        for (Frame f : frames) {
            if (f.lrpDeadLayer() != null) {
                n.add(f.name() + ": LRP relevance stops at " + f.lrpDeadLayer() + " (every unit feeding it is off, so the output is a "
                        + "bias alone); its LRP map is zero");
            }
            if (f.vbpFlat()) {
                n.add(f.name() + ": the VisualBackProp mask is flat (some conv layer had every unit off)");
            }
        }
        return n;
    }
}
