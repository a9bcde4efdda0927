package org.visualbackprop.cli;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.experiments.AuthorsFrames;
import org.visualbackprop.experiments.BarTraining;
import org.visualbackprop.experiments.ClassifierFigures;
import org.visualbackprop.experiments.HtmlReport;
import org.visualbackprop.experiments.MethodFigures;
import org.visualbackprop.experiments.RoadComparisons;
import org.visualbackprop.experiments.RoadEvaluation;
import org.visualbackprop.experiments.TheoryFigures;
import org.visualbackprop.experiments.Timing;
import org.visualbackprop.experiments.TrainingFigures;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.image.Images;
import org.visualbackprop.nn.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vbp figures}: runs the experiments behind notebooks 1-6 ({@code org.visualbackprop.experiments}) and writes
 * every figure as PNG, the tables as text, and one {@code index.html} with them all, without Jupyter.
 */
@Command(name = "figures", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Redraw the paper's figures on this project's data, as the notebooks do, without Jupyter: the method "
                + "(Figures 1-3), training (Figure 7), road scenes with VisualBackProp beside LRP (Figures 8-17, and the authors' "
                + "model on their frames when found), traffic signs and Fashion-MNIST (Figures 20-21), timing (Section 5) and the "
                + "theory (Theorem 1, Lemma 2's erratum, Remark 1).",
                "Writes PNG files, tables and index.html to --out. Full size: about 11 minutes on two cores; --quick: about a minute.",
                OutputFolder.HELP})
final class FiguresCommand implements Callable<Integer> {
    /** The parts, in notebook order. */
    enum Part {
        METHOD("method", "1. The method (Figures 1-3)"),
        TRAINING("training", "2. Training (Figure 7)"),
        ROADS("roads", "3. Road scenes (Figures 8-17)"),
        SIGNS("signs", "4. Traffic signs and Fashion-MNIST (Figures 20-21)"),
        TIMING("timing", "5. Timing (Section 5)"),
        THEORY("theory", "6. Theory (Section 4)");

        final String id;
        final String title;

        Part(String id, String title) {
            this.id = id;
            this.title = title;
        }

        static Part parse(String s) {
            for (Part p : values()) {
                if (p.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown part '" + s + "' for --only: expected method, training, roads, signs, timing or theory");
        }
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path out;

    @Option(names = "--quick", description = "The reduced sizes the notebooks run at in CI (VBP_QUICK=1): minutes instead of half an hour.")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the trained networks and their data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", split = ",", paramLabel = "PART[,PART...]",
            description = "Only these parts: method, training, roads, signs, timing, theory (default: all).")
    List<String> only;

    private HtmlReport page;
    private OutputFolder folder;
    private final List<String> written = new ArrayList<>();
    private TrainingFigures training;

    @Override
    public Integer call() throws Exception {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        if (only == null || only.isEmpty()) {
            parts = EnumSet.allOf(Part.class);
        } else {
            for (String s : only) {
                parts.add(Part.parse(s));
            }
        }
        try (OutputFolder f = OutputFolder.create(out, "--out")) {
            folder = f;
            try {
                long start = System.nanoTime();
                draw(parts);
                f.stage("index.html", tmp -> Files.writeString(tmp, page.html(), StandardCharsets.UTF_8));
                f.commit();
                System.out.printf(Locale.ROOT, "wrote %d figures and index.html in %.0f s: open %s%n", written.size(),
                        (System.nanoTime() - start) / 1e9, out.resolve("index.html"));
            } catch (Exception | Error e) {
                f.close();
                throw new CommandFailedException(Vbp.message(e) + "; " + f.leftBehind() + " in " + out, e);
            }
        }
        return 0;
    }

    private void draw(Set<Part> parts) throws Exception {
        page = new HtmlReport("VisualBackProp: the paper's figures on this project's data" + (quick ? " (quick sizes)" : ""));
        page.paragraph(String.format(Locale.ROOT, "Written by vbp figures%s, seed %d. The same experiments as notebooks 1-6 "
                + "(org.visualbackprop.experiments); the notebooks explain each figure.", quick ? " --quick" : "", seed));
        System.out.printf(Locale.ROOT, "vbp figures: %s into %s (%s sizes, seed %d)%n", parts.size() == Part.values().length ? "every part"
                : parts.stream().map(p -> p.id).toList(), out, quick ? "quick" : "full", seed);
        int k = 0;
        for (Part p : parts) {
            k++;
            long t = System.nanoTime();
            System.out.printf(Locale.ROOT, "[%d/%d] %s ...%n", k, parts.size(), p.title);
            System.out.flush();
            page.heading(p.title);
            switch (p) {
                case METHOD -> method();
                case TRAINING -> training();
                case ROADS -> roads();
                case SIGNS -> signs();
                case TIMING -> timing();
                case THEORY -> theory();
            }
            System.out.printf(Locale.ROOT, "[%d/%d] %s done in %.0f s%n", k, parts.size(), p.title, (System.nanoTime() - t) / 1e9);
        }
    }

    private void png(BufferedImage img, String name, String caption) throws java.io.IOException {
        folder.stage(name, tmp -> Images.writePng(img, tmp));
        written.add(name);
        page.figure(name, caption);
    }

    private void chart(Chart<?, ?> chart, String name, String caption) throws java.io.IOException {
        folder.stage(name, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
        written.add(name);
        page.figure(name, caption);
    }

    private void text(String s) {
        page.pre(s);
        System.out.print(s.endsWith("\n") ? s : s + "\n");
    }

    private void method() throws Exception {
        MethodFigures m = MethodFigures.of(MethodFigures.Config.standard());
        page.paragraph(m.describe());
        page.paragraph("Figure 1: the steps VisualBackProp takes through NetSVF, from the deepest conv layer down.").html(m.planHtml());
        png(m.figure2(), "fig02-averaged-maps-and-masks.png", "Figure 2: averaged feature maps (left) and intermediate masks (right), "
                + "input side on top; first row: the input and the final mask");
        png(m.figure3(), "fig03-overlay.png", "Figure 3: the mask over the input in red, and the frame's ground-truth labels");
        page.paragraph("Share of the mask on each kind of pixel (untrained network):").html(m.sharesHtml());
        BarTraining.Config bc = quick ? BarTraining.Config.quick() : BarTraining.Config.full();
        bc = new BarTraining.Config(bc.height(), bc.width(), bc.trainSamples(), bc.testSamples(), bc.epochs(), bc.batch(), bc.learningRate(), seed);
        BarTraining bars = BarTraining.train(bc);
        int n = Math.min(20, bc.testSamples());
        double before = BarTraining.train(bc.withEpochs(0)).meanBarFocus(n);
        double after = bars.meanBarFocus(n);
        text(bars.historyText() + String.format(Locale.ROOT, "mask mass on the vertical bar relative to its area, mean of %d held-out "
                + "frames: untrained %.2f, trained %.2f%n", n, before, after));
        png(bars.figure3(bars.explain(0)), "fig03-toy-trained.png", "A small net trained on the bar toy task: its mask on a held-out frame");
    }

    private TrainingFigures trainingRuns() {
        if (training == null) {
            TrainingFigures.Config c = (quick ? TrainingFigures.Config.quick() : TrainingFigures.Config.full()).withSeed(seed);
            training = TrainingFigures.of(c);
        }
        return training;
    }

    private void training() throws Exception {
        TrainingFigures t = trainingRuns();
        page.paragraph("The paper trains NetSVF and NetHVF for 32 epochs on 190 000 frames; on two CPU cores each view gets the small net of "
                + "the same pattern (PaperNets.small), trained on the same synthetic scenes seen through both views.");
        text(t.table());
        for (RoadView v : RoadView.values()) {
            png(t.figure7(v), "fig07-training-" + v.name().toLowerCase(Locale.ROOT) + ".png", "Figure 7, " + TrainingFigures.netName(v)
                    + ": masks of fixed held-out frames as training goes on; last row: the final mask over the input");
        }
        chart(t.lossChart(), "fig07-loss.png", "Training and validation MSE of both views, with the label variance (predicting the mean)");
    }

    private void roads() throws Exception {
        TrainingFigures t = trainingRuns();
        Map<RoadView, Network> nets = new EnumMap<>(RoadView.class);
        for (RoadView v : RoadView.values()) {
            nets.put(v, t.network(v));
        }
        RoadComparisons rc = RoadComparisons.of(nets, seed, "lrp");
        page.paragraph("The networks of part 2, on held-out scenes of each situation; left VisualBackProp, right LRP-epsilon (epsilon 100).");
        for (RoadComparisons.Situation s : RoadComparisons.Situation.values()) {
            page.subheading(s.title() + " (the paper's " + s.paper() + ")");
            for (RoadView v : RoadView.values()) {
                png(rc.figure(s, v), String.format(Locale.ROOT, "fig%s-%s-%s.png", s.numbers(), s.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        v.name().toLowerCase(Locale.ROOT)), s.title() + ", " + TrainingFigures.netName(v) + ": input | VisualBackProp | LRP");
            }
            text(rc.table(s));
        }
        page.subheading("Where the masks look over held-out frames");
        int frames = quick ? 32 : 200;
        for (RoadView v : RoadView.values()) {
            RoadEvaluation.Result r = rc.evaluate(v, frames);
            text(TrainingFigures.netName(v) + "\n" + RoadEvaluation.table(r));
        }
        page.subheading("The authors' model on their frames");
        Path folder = AuthorsFrames.folder();
        if (folder == null) {
            text(AuthorsFrames.absentNote());
        } else {
            AuthorsFrames a = AuthorsFrames.load(folder, "lrp");
            text(a.describe() + "\n" + String.join("\n", a.notes()));
            int half = (a.frames().size() + 1) / 2;
            png(a.figure(0, half), "authors-frames-1.png", "The authors' model on their frames (first half): input | VisualBackProp | LRP");
            png(a.figure(half, a.frames().size()), "authors-frames-2.png", "The authors' model on their frames (second half)");
        }
    }

    private void signs() throws Exception {
        ClassifierFigures.Config sc = (quick ? ClassifierFigures.Config.signsQuick() : ClassifierFigures.Config.signsFull()).withSeed(seed);
        ClassifierFigures signs = ClassifierFigures.signs(sc);
        text(signs.summary());
        png(signs.figure(), "fig20-signs.png", "Figure 20 analogue: synthetic traffic signs, sets of input | VisualBackProp mask | LRP mask");
        if (!ClassifierFigures.fashionMnistInstalled()) {
            text(ClassifierFigures.fashionAbsentNote());
            return;
        }
        ClassifierFigures.Config fc = (quick ? ClassifierFigures.Config.fashionQuick() : ClassifierFigures.Config.fashionFull()).withSeed(seed);
        ClassifierFigures fashion = ClassifierFigures.fashionMnist(fc);
        text(fashion.summary());
        png(fashion.figure(), "fig21-fashion-mnist.png", "Figure 21 analogue: Fashion-MNIST, sets of input | VisualBackProp mask | LRP mask");
    }

    private void timing() throws Exception {
        Timing.Config c = quick ? Timing.Config.quick() : Timing.Config.full();
        List<Timing.Row> rows = Timing.measure(Timing.paperNets(seed), c);
        text(Timing.table(rows));
        chart(Timing.chart(rows), "timing.png", "Per-frame time of the forward pass, VisualBackProp and LRP on this CPU");
        List<Timing.Saved> saved = Timing.savedResults();
        if (saved.isEmpty()) {
            text("No saved GPU or OpenCL benchmark result (a file named *bench*.txt/.csv/.md under notebooks/results/).");
        }
        for (Timing.Saved s : saved) {
            page.paragraph("Saved benchmark result " + s.file().getFileName() + ":");
            text(s.text());
        }
    }

    private void theory() throws Exception {
        SmallNet tiny = TheoryFigures.tinyNet();
        text(TheoryFigures.theorem1Text(TheoryFigures.theorem1(tiny, TheoryFigures.busiestPixel(tiny))));
        text(TheoryFigures.theorem1AllPixels(tiny));
        TheoryFigures.Erratum e = TheoryFigures.lemma2Counterexample(Verification.Options.DEFAULT_SEED, 1000);
        page.paragraph("The erratum of Lemma 2: a smallest network found on which the lemma as worded (a_e of the edge's source) fails.");
        text(e == null ? "no counterexample among 1000 random nets" : e.net() + "\n" + e.detail() + "\n" + e.activations());
        text(TheoryFigures.remark1RandomTable(quick ? 60 : 300, Verification.Options.DEFAULT_SEED));
        TheoryFigures.TrainedConfig tc = quick ? TheoryFigures.TrainedConfig.quick() : TheoryFigures.TrainedConfig.full();
        List<TheoryFigures.TrainedKernel> trained = TheoryFigures.remark1Trained(tc);
        text(TheoryFigures.remark1TrainedTable(trained, tc));
        chart(TheoryFigures.remark1Scatter(trained), "remark1-scatter.png", "Remark 1: phi against phi_VBP over the pixels of one held-out "
                + "bar frame, trained nets with 1x1, 3x3 and 5x5 kernels");
    }
}
