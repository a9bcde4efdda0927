package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.tensor.Tensor;

/**
 * Explains a drive as it happens: for each frame of a {@link FrameSource}, in order, one at a time, it runs the
 * network and the explanation methods ({@link FrameExplainer}), draws the frame's picture ({@link DriveCanvas}: the
 * camera frame, one red overlay per method in the authors' style ({@link Pictures#overlay}), the steering gauge and
 * trace), and hands it to the video writers, timing every stage. With {@link Settings#overlapWriting()} the writers
 * run on a thread of their own behind a queue of a few pictures, so encoding one frame overlaps with explaining the
 * next (faster where a core is free; the stages' times then include their contention, and their sum exceeds the wall
 * time per frame). Nothing is kept from one frame to the next but the reused arrays, the queue, the trace's history and
 * the timings, so a drive of any length runs in constant memory.
 *
 * <p>Stages, in order: {@code source} (rendering a synthetic frame, or reading and decoding a picture or a video
 * frame), {@code forward} (the forward pass, recording what VisualBackProp reads), one per method, {@code draw} (the
 * overlays and the canvas), {@code mp4} (H.264 encoding) and {@code gif} (the preview's frames, when there is one).
 * The first {@link #warmup(int)} frames (JIT compilation, first allocations) are left out of the means.
 */
public final class DriveRecorder {
    private static final int WINDOW = 30;

    /**
     * How to record.
     *
     * @param fps           frames per second of the video
     * @param outputDegrees degrees of steering per unit of the network's output (90 for this project's models, which
     *                      predict degrees / 90)
     * @param gaugeRange    degrees at the ends of the gauge and the trace
     * @param traceFrames   frames the trace shows
     * @param model         the model's name, for the header
     * @param gifEvery      every how many frames the GIF takes one
     * @param gifWidth      width of the GIF, pixels (its height keeps the aspect ratio)
     * @param overlapWriting write the video on a thread of its own, alongside the next frames (false: each frame is
     *                      written before the next is read, so every stage runs alone and its time is its own)
     */
    public record Settings(int fps, double outputDegrees, double gaugeRange, int traceFrames, String model, int gifEvery, int gifWidth,
            boolean overlapWriting) {
        public Settings {
            if (fps < 1 || fps > 240) {
                throw new IllegalArgumentException("--fps must be in [1, 240], got " + fps);
            }
            if (!(outputDegrees > 0) || Double.isInfinite(outputDegrees)) {
                throw new IllegalArgumentException("--output-degrees must be positive, got " + outputDegrees);
            }
            if (gifEvery < 1) {
                throw new IllegalArgumentException("--gif-every must be >= 1, got " + gifEvery);
            }
            if (gifWidth < 64 || gifWidth > 4096) {
                throw new IllegalArgumentException("--gif-width must be in [64, 4096], got " + gifWidth);
            }
        }

        /** These settings for another model name. */
        public Settings withModel(String name) {
            return new Settings(fps, outputDegrees, gaugeRange, traceFrames, name, gifEvery, gifWidth, overlapWriting);
        }
    }

    /** Told after every frame (for a progress bar). */
    public interface Listener {
        /** Frame {@code index} (from 0) is done; {@code note} is a one-line status. */
        void frameDone(int index, String note);
    }

    /**
     * What a drive measured.
     *
     * @param frames          frames recorded
     * @param warmup          first frames left out of the means
     * @param stages          stage names, in order
     * @param meanMillis      mean time of each stage per frame over the frames after the warm-up, ms
     * @param measuredSeconds wall time of the frames after the warm-up, s
     * @param rmseDegrees     root mean squared steering error over the frames with a true angle, or NaN
     * @param device          where the network ran
     * @param gifFrames       frames in the GIF (0 without one)
     * @param overlapped      the video was written on a thread of its own, alongside the next frames
     */
    public record Summary(int frames, int warmup, List<String> stages, double[] meanMillis, double measuredSeconds, double rmseDegrees,
            String device, int gifFrames, boolean overlapped) {
        /** Frames per second end to end (every stage, and the overhead between them), after the warm-up. */
        public double endToEndFps() {
            return (frames - warmup) / measuredSeconds;
        }

        /** Mean ms per frame of stage {@code name}, or NaN when there is no such stage. */
        public double millis(String name) {
            int i = stages.indexOf(name);
            return i < 0 ? Double.NaN : meanMillis[i];
        }

        /** Frames per second the forward pass and VisualBackProp alone would allow, or NaN without VisualBackProp. */
        public double forwardVbpFps() {
            return 1000 / (millis("forward") + millis("vbp"));
        }

        /** The timings as a table: stage, ms per frame, share, frames/s it alone allows. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            double sum = 0;
            for (double m : meanMillis) {
                sum += m;
            }
            sb.append(String.format(Locale.ROOT, "%-10s %10s %7s %12s%n", "stage", "ms/frame", "share", "frames/s"));
            for (int i = 0; i < stages.size(); i++) {
                sb.append(String.format(Locale.ROOT, "%-10s %10.2f %6.1f%% %12.1f%n", stages.get(i), meanMillis[i],
                        100 * meanMillis[i] / sum, 1000 / meanMillis[i]));
            }
            sb.append(String.format(Locale.ROOT, "%-10s %10.2f %7s %12.1f   (sum of the stages)%n", "all", sum, "", 1000 / sum));
            sb.append(String.format(Locale.ROOT, "end to end: %.1f frames/s (%d frames after %d warm-up frames, %.1f s; %s)%n", endToEndFps(),
                    frames - warmup, warmup, measuredSeconds, overlapped ? "the video written on a thread of its own, alongside the next frames"
                            : "each frame written before the next"));
            if (stages.contains("vbp")) {
                sb.append(String.format(Locale.ROOT, "forward + VisualBackProp alone: %.1f frames/s (%.2f + %.2f ms)%n", forwardVbpFps(),
                        millis("forward"), millis("vbp")));
            }
            return sb.toString();
        }
    }

    private DriveRecorder() {
    }

    /** Frames left out of the means: 10, or a quarter of a short drive. */
    public static int warmup(int frames) {
        return Math.min(10, frames / 4);
    }

    /**
     * Records a drive.
     *
     * @param mp4      the video to write, or null for none
     * @param gif      the animated GIF preview to write, or null for none
     * @param csv      per-frame angles and timings to write, or null for none
     * @param listener told after each frame, or null
     */
    public static Summary record(FrameSource source, FrameExplainer explainer, Settings settings, Path mp4, Path gif, Path csv,
            Listener listener) throws IOException {
        List<String> methods = explainer.methods();
        List<String> stages = new ArrayList<>(List.of("source", "forward"));
        stages.addAll(methods);
        stages.add("draw");
        if (mp4 != null) {
            stages.add("mp4");
        }
        if (gif != null) {
            stages.add("gif");
        }
        int s = stages.size();
        int total = source.size();
        int warmup = warmup(total);
        double[][] recent = new double[s][WINDOW];
        double[][] wall = new double[1][WINDOW];
        DriveCanvas canvas = null;
        double squaredError = 0;
        int withTruth = 0;
        int frames = 0;
        long start = System.nanoTime();
        long measuredStart = start;
        long end;
        Writer writer;
        try (Mp4Writer video = mp4 == null ? null : new Mp4Writer(mp4, settings.fps());
             GifWriter preview = gif == null ? null : new GifWriter(gif, Math.round(1000f * settings.gifEvery() / settings.fps()));
             PrintWriter table = csv == null ? null : new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            if (table != null) {
                StringBuilder h = new StringBuilder("frame,name,true_degrees,predicted_degrees");
                for (String st : stages) {
                    h.append(',').append(st).append("_ms");
                }
                table.println(h);
            }
            writer = new Writer(video, preview, table, settings, stages.indexOf("mp4"), stages.indexOf("gif"), warmup, s,
                    settings.overlapWriting());
            try {
                while (true) {
                    if (frames == warmup) {
                        measuredStart = System.nanoTime();
                    }
                    long[] nanos = new long[s];
                    long t0 = System.nanoTime();
                    FrameSource.Frame f = source.next();
                    if (f == null) {
                        break;
                    }
                    nanos[0] = System.nanoTime() - t0;
                    FrameExplainer.Result r = explainer.explain(f.image());
                    nanos[1] = r.forwardNanos();
                    for (int k = 0; k < methods.size(); k++) {
                        nanos[2 + k] = r.methodNanos()[k];
                    }
                    double predicted = r.output() * settings.outputDegrees();
                    if (!Double.isNaN(f.trueDegrees())) {
                        squaredError += (predicted - f.trueDegrees()) * (predicted - f.trueDegrees());
                        withTruth++;
                    }

                    long td = System.nanoTime();
                    Tensor x = f.image();
                    if (canvas == null) {
                        canvas = new DriveCanvas(x.shape().w(), x.shape().h(), 1 + methods.size(), settings.gaugeRange(),
                                settings.traceFrames());
                    }
                    List<BufferedImage> images = new ArrayList<>();
                    List<String> titles = new ArrayList<>();
                    images.add(Images.toImage(x, 0));
                    boolean warming = frames < warmup;
                    titles.add(String.format(Locale.ROOT, "camera (%s)   forward pass %s", f.name(), warming ? "(warming up)"
                            : String.format(Locale.ROOT, "%.1f ms/frame", recentMean(recent[1], frames, warmup, nanos[1]))));
                    for (int k = 0; k < methods.size(); k++) {
                        images.add(Pictures.overlay(x, 0, r.masks().get(k)));
                        titles.add(String.format(Locale.ROOT, "%s   %s%s", FrameExplainer.title(methods.get(k)), warming ? "(warming up)"
                                : String.format(Locale.ROOT, "%.2f ms/frame", recentMean(recent[2 + k], frames, warmup, nanos[2 + k])),
                                isZero(r.masks().get(k)) ? "   (the map is zero on this frame)" : ""));
                    }
                    double fps = frames <= warmup ? Double.NaN : 1000 / recentSum(wall, frames, warmup);
                    String header = String.format(Locale.ROOT, "frame %d/%d   %.2f s   %s   %s", frames + 1, total,
                            frames / (double) settings.fps(), settings.model(),
                            Double.isNaN(fps) ? "" : String.format(Locale.ROOT, "%.1f frames/s end to end", fps));
                    BufferedImage picture = canvas.draw(header, images, titles, f.trueDegrees(), predicted);
                    nanos[2 + methods.size()] = System.nanoTime() - td;
                    for (int q = 0; q < 3 + methods.size(); q++) {
                        recent[q][frames % WINDOW] = nanos[q] / 1e6;
                    }
                    String row = frames + "," + csvField(f.name()) + ","
                            + (Double.isNaN(f.trueDegrees()) ? "" : String.format(Locale.ROOT, "%.4f", f.trueDegrees())) + ","
                            + String.format(Locale.ROOT, "%.4f", predicted);
                    writer.submit(new Writer.Job(frames, picture, nanos, row));
                    wall[0][frames % WINDOW] = (System.nanoTime() - t0) / 1e6;
                    frames++;
                    if (listener != null) {
                        listener.frameDone(frames - 1, String.format(Locale.ROOT, "predicted %+.1f deg", predicted));
                    }
                }
                writer.finish();
                end = System.nanoTime();
            } finally {
                writer.stop();
            }
        } finally {
            source.close();
        }
        if (frames == 0) {
            throw new IllegalArgumentException(source.describe() + ": no frame could be read");
        }
        double[] sums = writer.sums;
        if (frames <= warmup) {
            // fewer frames than the source announced: no warm-up left out
            warmup = 0;
            sums = writer.allSums;
            measuredStart = start;
        }
        double seconds = (end - measuredStart) / 1e9;
        double[] means = new double[s];
        for (int q = 0; q < s; q++) {
            means[q] = sums[q] / (frames - warmup);
        }
        int gifFrames = gif == null ? 0 : (frames + settings.gifEvery() - 1) / settings.gifEvery();
        return new Summary(frames, warmup, List.copyOf(stages), means, seconds,
                withTruth == 0 ? Double.NaN : Math.sqrt(squaredError / withTruth), explainer.device(), gifFrames, settings.overlapWriting());
    }

    /**
     * Writes the pictures on a thread of its own, so that encoding a frame overlaps with explaining the next ones: a
     * queue of at most {@link #QUEUE} pictures (so memory stays bounded); the H.264 encoding, the GIF's frames and the
     * CSV row of each frame, in order; and the sums of every stage's time.
     */
    private static final class Writer implements Runnable {
        static final int QUEUE = 4;

        /** One frame to write: its picture, its stage times so far (the writer adds its own) and its CSV fields. */
        record Job(int frame, BufferedImage picture, long[] nanos, String row) {
        }

        private static final Job END = new Job(-1, null, null, null);
        private final ArrayBlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Mp4Writer video;
        private final GifWriter preview;
        private final PrintWriter table;
        private final Settings settings;
        private final int mp4Stage;
        private final int gifStage;
        private final int warmup;
        final double[] sums;
        final double[] allSums;
        private final Thread thread;
        private volatile Throwable error;

        Writer(Mp4Writer video, GifWriter preview, PrintWriter table, Settings settings, int mp4Stage, int gifStage, int warmup,
               int stages, boolean threaded) {
            this.video = video;
            this.preview = preview;
            this.table = table;
            this.settings = settings;
            this.mp4Stage = mp4Stage;
            this.gifStage = gifStage;
            this.warmup = warmup;
            this.sums = new double[stages];
            this.allSums = new double[stages];
            if (threaded) {
                this.thread = new Thread(this, "vbp-drive-writer");
                thread.setDaemon(true);
                thread.start();
            } else {
                this.thread = null;
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Job j = queue.take();
                    if (j == END) {
                        return;
                    }
                    write(j);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                error = e;
            }
        }

        /** Encodes one frame, adds its times to the sums and writes its CSV row. */
        private void write(Job j) throws IOException {
            long[] nanos = j.nanos();
            BufferedImage picture = j.picture();
            if (video != null) {
                long te = System.nanoTime();
                video.add(picture);
                nanos[mp4Stage] = System.nanoTime() - te;
            }
            if (preview != null) {
                long tg = System.nanoTime();
                if (j.frame() % settings.gifEvery() == 0) {
                    int gw = settings.gifWidth();
                    int gh = Math.max(2, (int) Math.round((double) picture.getHeight() * gw / picture.getWidth()));
                    preview.add(gw == picture.getWidth() ? picture : Images.scale(picture, gw, gh));
                }
                nanos[gifStage] = System.nanoTime() - tg;
            }
            StringBuilder row = new StringBuilder(j.row());
            for (int q = 0; q < nanos.length; q++) {
                allSums[q] += nanos[q] / 1e6;
                if (j.frame() >= warmup) {
                    sums[q] += nanos[q] / 1e6;
                }
                row.append(',').append(String.format(Locale.ROOT, "%.3f", nanos[q] / 1e6));
            }
            if (table != null) {
                table.println(row);
            }
        }

        /**
         * Queues a frame, waiting while the queue is full, and rethrows what went wrong on the writer's thread; without a
         * thread, writes it at once.
         */
        void submit(Job j) throws IOException {
            if (thread == null) {
                if (j != END) {
                    write(j);
                }
                return;
            }
            while (true) {
                rethrow();
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the writer thread has stopped");
                }
                try {
                    if (queue.offer(j, 100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while queueing frame " + j.frame());
                }
            }
        }

        /** Waits until every queued frame is written. */
        void finish() throws IOException {
            submit(END);
            if (thread == null) {
                return;
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing the last frames");
            }
            rethrow();
        }

        /** Stops the thread if it still runs (after a failure on the main thread), before the files are closed. */
        void stop() {
            if (thread != null && thread.isAlive()) {
                thread.interrupt();
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void rethrow() throws IOException {
            Throwable t = error;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
        }
    }

    /** Mean of one stage over the last frames after the warm-up, ms, counting the current frame's {@code nanos}. */
    private static double recentMean(double[] window, int done, int warmup, long nanos) {
        int n = Math.max(0, Math.min(done - warmup, WINDOW - 1));
        double sum = nanos / 1e6;
        for (int i = 1; i <= n; i++) {
            sum += window[((done - i) % WINDOW + WINDOW) % WINDOW];
        }
        return sum / (n + 1);
    }

    /** Mean over the last finished frames after the warm-up of the sum of the given series, ms. */
    private static double recentSum(double[][] windows, int done, int warmup) {
        int n = Math.min(done - warmup, WINDOW);
        double sum = 0;
        for (double[] w : windows) {
            for (int i = 1; i <= n; i++) {
                sum += w[((done - i) % WINDOW + WINDOW) % WINDOW];
            }
        }
        return sum / n;
    }

    private static boolean isZero(double[] map) {
        for (double v : map) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
