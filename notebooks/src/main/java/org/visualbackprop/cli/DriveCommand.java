package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.data.RoadDrive;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.drive.DriveRecorder;
import org.visualbackprop.drive.FrameExplainer;
import org.visualbackprop.drive.FrameSource;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.nn.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp drive}: a drive explained as it happens, written as a video. */
@Command(name = "drive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain a drive as it happens: render a continuous synthetic drive (curves, a lane marking that ends, "
                + "shadows, crosswalks, other cars) or read your own frames, run the network and the explanation methods on each "
                + "frame as it comes (batch 1), and write a video: the camera frame, each method's mask as the authors' red overlay "
                + "with its cost in ms per frame, and the predicted against the true steering angle as a gauge and a trace.",
                "Writes DIR/drive.mp4 (H.264), DIR/drive.csv (angles and stage times per frame), DIR/drive-summary.txt, and with "
                        + "--gif DIR/drive.gif; prints frames per second end to end and per stage."})
final class DriveCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model file (.vbpm, or the authors' Torch7 .t7/.t7b), or netsvf / nethvf for random weights from --seed.")
    String model;

    @Option(names = "--frames", paramLabel = "N",
            description = "Frames to record (default: 300 for a synthetic drive, every frame of --input).")
    Integer frames;

    @Option(names = "--fps", defaultValue = "30", paramLabel = "F", description = "Frames per second of the video and of the drive's clock (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--speed", defaultValue = "15", paramLabel = "M/S", description = "Speed of the synthetic drive, m/s (default: ${DEFAULT-VALUE}, 54 km/h).")
    double speed;

    @Option(names = "--view", paramLabel = "svf|hvf", description = "Camera view: svf (1 x 125 x 640) or hvf (1 x 125 x 349); default: the model's.")
    String view;

    @Option(names = "--methods", defaultValue = "vbp", paramLabel = "LIST",
            description = "Explanation methods, one panel each, in order: vbp, lrp, gradient, gradxinput, separated by commas (default: ${DEFAULT-VALUE}).")
    String methods;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the synthetic drive (and of random weights) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--input", paramLabel = "FOLDER|VIDEO|CSV",
            description = {"Your own frames instead of a synthetic drive: a folder of pictures read in name order (Udacity's "
                    + "exported frames; its center/ subfolder when it has no pictures itself), a folder or a CSV table in Udacity's "
                    + "interpolated.csv format (then the true angles are shown too), or a video file (.mp4/.m4v/.mov, H.264, decoded by "
                    + "JCodec). Each picture's bottom band of the view's aspect ratio is scaled to the view."})
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the outputs.")
    Path out;

    @Option(names = "--gif", description = "Also write DIR/drive.gif, a smaller preview (see --gif-every, --gif-width).")
    boolean gif;

    @Option(names = "--gif-every", defaultValue = "2", paramLabel = "K", description = "The GIF takes every K-th frame (default: ${DEFAULT-VALUE}).")
    int gifEvery;

    @Option(names = "--gif-width", defaultValue = "480", paramLabel = "W", description = "Width of the GIF, pixels (default: ${DEFAULT-VALUE}).")
    int gifWidth;

    @Option(names = "--epsilon", defaultValue = "100", description = "LRP's epsilon (default: ${DEFAULT-VALUE}, the paper's).")
    double epsilon;

    @Option(names = "--output-degrees", defaultValue = "90", paramLabel = "D",
            description = "Degrees of steering per unit of the network's output (default: ${DEFAULT-VALUE}: this project's models predict degrees / 90).")
    double outputDegrees;

    @Option(names = "--gauge-range", defaultValue = "90", paramLabel = "DEG", description = "Degrees at the ends of the gauge and the trace (default: ${DEFAULT-VALUE}).")
    double gaugeRange;

    @Option(names = "--device", defaultValue = "java", paramLabel = "java|gpu|opencl-cpu|auto",
            description = {"Where the network and the methods run: java (core's Java threads, the default), or an OpenCL device "
                    + "through the gpu module (vbp and lrp only)."})
    String device;

    @Option(names = "--overlap", description = {"Write the video on a thread of its own, alongside the next frames (by default "
            + "each frame is written before the next is read, so each stage's time is its own): faster end to end where a core "
            + "is free; the stages' times then include their contention."})
    boolean overlap;

    @Option(names = "--input-shape", paramLabel = "CxHxW", description = "Input size for Torch7 models, which do not record it.")
    String inputShape;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (frames != null && frames < 1) {
            throw new IllegalArgumentException("--frames must be >= 1, got " + frames);
        }
        if (!(speed > 0) || speed > 100) {
            throw new IllegalArgumentException("--speed must be in (0, 100] m/s, got " + speed);
        }
        if (!(gaugeRange > 0) || Double.isInfinite(gaugeRange)) {
            throw new IllegalArgumentException("--gauge-range must be a positive number of degrees, got " + gaugeRange);
        }
        List<String> list = FrameExplainer.parseList(methods);
        DevicePreference pref = DevicePreference.parse(device);
        DriveRecorder.Settings settings = new DriveRecorder.Settings(fps, outputDegrees, gaugeRange, Math.max(2, 5 * fps), "", gifEvery, gifWidth,
                overlap);
        if (input != null && !Files.exists(input)) {
            throw new java.nio.file.NoSuchFileException(input.toString(), null, "--input not found");
        }
        Models.Loaded m = Models.resolve(model, seed, inputShape);
        Network net = m.network();
        RoadView v = viewOf(net);
        if (view != null) {
            RoadView asked = switch (view.trim().toLowerCase(Locale.ROOT)) {
                case "svf" -> RoadView.SVF;
                case "hvf" -> RoadView.HVF;
                default -> throw new IllegalArgumentException("--view must be svf or hvf, got '" + view + "'");
            };
            if (asked != v) {
                throw new IllegalArgumentException("--view " + view + " gives frames of " + asked.inputShape().describeSample() + " but "
                        + m.source() + " takes " + net.inputShape().describeSample());
            }
        }
        String modelName = modelName(m);
        settings = settings.withModel(modelName);
        Explainer.Options options = Explainer.Options.defaults().withEpsilon(epsilon).withDevice(pref)
                .withNotices(note -> System.err.println("vbp drive: " + note));
        FrameSource source;
        RoadDrive drive = null;
        double metresPerFrame = speed / fps;
        if (input == null) {
            int n = frames == null ? 300 : frames;
            drive = RoadDrive.generate(seed, Math.max(1, (n - 1) * metresPerFrame));
            source = FrameSource.synthetic(drive, v, n, metresPerFrame);
        } else {
            source = FrameSource.open(input, v, frames == null ? Integer.MAX_VALUE : frames);
        }
        // outputs are written under temporary names and moved into place at the end: a failed drive leaves the folder as it was
        try (OutputFolder folder = OutputFolder.create(out, "--out")) {
            try {
                Path mp4 = folder.streaming("drive.mp4");
                Path gifFile = gif ? folder.streaming("drive.gif") : null;
                Path csv = folder.streaming("drive.csv");
                DriveRecorder.Summary summary;
                try (FrameExplainer explainer = new FrameExplainer(net, list, options)) {
                    System.out.println("model: " + modelName);
                    System.out.println("frames: " + source.describe());
                    if (drive != null) {
                        for (RoadDrive.Event e : drive.events()) {
                            System.out.printf(Locale.ROOT, "  frames %d-%d: %s%n", Math.round(e.from() / metresPerFrame),
                                    Math.min(source.size() - 1, Math.round(e.to() / metresPerFrame)), e.description());
                        }
                    }
                    System.out.println("methods: " + String.join(", ", list) + " on " + explainer.device() + ", batch 1");
                    try (Progress progress = Progress.start("drive", source.size(), "frame", quiet)) {
                        summary = DriveRecorder.record(source, explainer, settings, mp4, gifFile, csv, (i, note) -> {
                            progress.step(1);
                            progress.message(note);
                        });
                    }
                }
                StringBuilder report = new StringBuilder();
                report.append(String.format(Locale.ROOT, "%d frames of %s, %s%n", summary.frames(), v, source.describe()));
                report.append("model: ").append(modelName).append('\n');
                report.append("device: ").append(summary.device()).append(", batch 1, ").append(Runtime.getRuntime().availableProcessors())
                        .append(" processors, Java ").append(System.getProperty("java.version")).append(", ")
                        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
                report.append(summary.table());
                if (!Double.isNaN(summary.rmseDegrees())) {
                    report.append(String.format(Locale.ROOT, "steering error over the drive: RMSE %.1f degrees%n", summary.rmseDegrees()));
                }
                folder.stage("drive-summary.txt", tmp -> Files.writeString(tmp, report, StandardCharsets.UTF_8));
                folder.commit();
                System.out.print(report);
                System.out.println("wrote " + out.resolve("drive.mp4") + (gifFile == null ? "" : ", " + out.resolve("drive.gif") + " ("
                        + summary.gifFrames() + " frames)") + ", " + out.resolve("drive.csv") + ", " + out.resolve("drive-summary.txt"));
            } catch (IOException | RuntimeException e) {
                throw new CommandFailedException(Vbp.message(e) + "; " + folder.leftBehind() + " in " + out, e);
            }
        }
        return 0;
    }

    /** The road view whose frames the network takes. */
    static RoadView viewOf(Network net) {
        for (RoadView r : RoadView.values()) {
            if (r.inputShape().equals(net.inputShape())) {
                return r;
            }
        }
        throw new IllegalArgumentException("the model takes " + net.inputShape().describeSample()
                + "; a drive's frames are 1 x 125 x 640 (NetSVF's view, svf) or 1 x 125 x 349 (NetHVF's, hvf)");
    }

    /** The model's name: the file's name and architecture, or the architecture with "random weights". */
    private String modelName(Models.Loaded m) {
        String lower = model.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("netsvf") || lower.equals("nethvf") || lower.equals("signnet")) {
            return m.source() + ", random weights (seed " + seed + ")";
        }
        String arch = m.provenance().get("architecture");
        String file = Path.of(model).getFileName().toString();
        return arch == null ? file : file + " (" + arch + ")";
    }
}
