package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.visualbackprop.data.RoadDrive;
import org.visualbackprop.data.RoadScene;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.UdacityDriving;
import org.visualbackprop.image.Images;
import org.visualbackprop.tensor.Tensor;

/**
 * The frames of a drive, in order, as network inputs: rendered from a synthetic {@link RoadDrive}, read from a
 * folder of pictures (Udacity's export, with its steering angles when its {@code interpolated.csv} is there), or
 * decoded from a video file. Pictures are cropped and scaled as {@link UdacityDriving#toInput} does.
 */
public interface FrameSource extends AutoCloseable {
    /** Picture files a folder source reads, by extension. */
    List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".pgm");
    /** Video files a video source reads, by extension. */
    List<String> VIDEO_EXTENSIONS = List.of(".mp4", ".m4v", ".mov");

    /**
     * One frame.
     *
     * @param image       {@code 1 x 1 x H x W}, values in [0, 1]
     * @param trueDegrees the true steering angle, degrees, positive left; NaN when the source has none
     * @param name        where it came from (a file name, a position along the drive)
     */
    record Frame(Tensor image, double trueDegrees, String name) {
    }

    /** Frames this source gives at most (fewer when a video ends early). */
    int size();

    /** The next frame, or null after the last. */
    Frame next() throws IOException;

    /** One line saying what the frames are. */
    String describe();

    @Override
    default void close() throws IOException {
    }

    /** {@code frames} frames of {@code drive}, {@code metresPerFrame} apart, rendered as {@code view}. */
    static FrameSource synthetic(RoadDrive drive, RoadView view, int frames, double metresPerFrame) {
        if (frames < 1) {
            throw new IllegalArgumentException("a drive needs at least one frame, got " + frames);
        }
        if ((frames - 1) * metresPerFrame > drive.length() * (1 + 1e-9)) {
            throw new IllegalArgumentException(frames + " frames " + metresPerFrame + " m apart do not fit a drive of "
                    + drive.length() + " m");
        }
        return new FrameSource() {
            private int next;

            @Override
            public int size() {
                return frames;
            }

            @Override
            public Frame next() {
                if (next >= frames) {
                    return null;
                }
                RoadScene s = drive.frame(next, metresPerFrame);
                Frame f = new Frame(RoadScenes.render(s, view).image(), s.steeringDegrees(),
                        String.format(Locale.ROOT, "%.1f m", next * metresPerFrame));
                next++;
                return f;
            }

            @Override
            public String describe() {
                return drive.describe() + ", " + frames + " frames " + String.format(Locale.ROOT, "%.3g", metresPerFrame)
                        + " m apart, view " + view;
            }
        };
    }

    /**
     * The frames of {@code input}: a video file ({@link #VIDEO_EXTENSIONS}), a Udacity CSV table, or a folder. A
     * folder with an {@code interpolated.csv} is read through it (centre camera when the table names cameras, every
     * speed, angles in radians, in the table's order: the true angles come with the frames); another folder's
     * pictures are read in the order of their names, numbers compared as numbers ({@code img2} before {@code img10};
     * Udacity's exported frames are named by their time stamps), from
     * its {@code center} subfolder when it has no pictures of its own.
     *
     * @param maxFrames read at most this many frames, >= 1
     * @throws java.nio.file.NoSuchFileException when {@code input} does not exist
     * @throws IllegalArgumentException when it holds no frames
     */
    static FrameSource open(Path input, RoadView view, int maxFrames) throws IOException {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("--frames must be >= 1, got " + maxFrames);
        }
        if (!Files.exists(input)) {
            throw new java.nio.file.NoSuchFileException(input.toString(), null, "input not found");
        }
        String name = input.getFileName() == null ? "" : input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(input) && VIDEO_EXTENSIONS.stream().anyMatch(name::endsWith)) {
            return video(input, view, maxFrames);
        }
        if (Files.isRegularFile(input) && name.endsWith(".csv")) {
            return udacity(input, view, maxFrames);
        }
        if (Files.isRegularFile(input)) {
            throw new IllegalArgumentException(input + ": not a video (" + String.join(", ", VIDEO_EXTENSIONS)
                    + "), a Udacity CSV table or a folder of frames");
        }
        Path csv = input.resolve("interpolated.csv");
        if (Files.isRegularFile(csv)) {
            return udacity(csv, view, maxFrames);
        }
        List<Path> pictures = pictures(input);
        if (pictures.isEmpty() && Files.isDirectory(input.resolve("center"))) {
            pictures = pictures(input.resolve("center"));
        }
        if (pictures.isEmpty()) {
            throw new IllegalArgumentException(input + " holds no frames (" + String.join(", ", IMAGE_EXTENSIONS)
                    + "), no interpolated.csv and no center/ folder of frames");
        }
        List<Path> files = pictures.subList(0, Math.min(maxFrames, pictures.size()));
        List<double[]> none = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            none.add(new double[] {Double.NaN});
        }
        return files(files, none, view, input + " (" + files.size() + " of " + pictures.size() + " pictures, by name, no steering angles)");
    }

    private static List<Path> pictures(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && IMAGE_EXTENSIONS.stream()
                    .anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
                    .sorted((a, b) -> naturalOrder(a.getFileName().toString(), b.getFileName().toString())).toList();
        }
    }

    /**
     * Compares file names with their runs of digits as numbers ({@code img2 < img10}); Udacity's time-stamp names,
     * all of one length, keep their plain order.
     */
    static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                java.math.BigInteger na = new java.math.BigInteger(a.substring(i, ei));
                java.math.BigInteger nb = new java.math.BigInteger(b.substring(j, ej));
                int c = na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private static FrameSource udacity(Path csv, RoadView view, int maxFrames) throws IOException {
        String header;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            header = r.readLine();
        }
        boolean cameras = header != null && List.of(header.split(",")).stream().anyMatch(c -> c.trim().equals("frame_id"));
        UdacityDriving.Options o = UdacityDriving.Options.paper().withMinSpeed(0).withCamera(cameras ? "center_camera" : null);
        UdacityDriving u = UdacityDriving.read(csv, o);
        if (u.frames().isEmpty()) {
            throw new IllegalArgumentException(csv + " lists no " + (cameras ? "center_camera " : "") + "frames");
        }
        List<UdacityDriving.Frame> kept = u.frames().subList(0, Math.min(maxFrames, u.frames().size()));
        List<Path> files = new ArrayList<>();
        List<double[]> angles = new ArrayList<>();
        for (UdacityDriving.Frame f : kept) {
            files.add(f.image());
            angles.add(new double[] {f.steeringDegrees()});
        }
        return files(files, angles, view, "Udacity frames of " + csv + " (" + kept.size() + " of " + u.frames().size()
                + (cameras ? " centre-camera" : "") + " frames, with their steering angles)");
    }

    private static FrameSource files(List<Path> files, List<double[]> angles, RoadView view, String description) {
        return new FrameSource() {
            private int next;

            @Override
            public int size() {
                return files.size();
            }

            @Override
            public Frame next() throws IOException {
                if (next >= files.size()) {
                    return null;
                }
                Path f = files.get(next);
                BufferedImage img = Images.read(f);
                Frame out = new Frame(UdacityDriving.toInput(img, view, 0, f.toString()), angles.get(next)[0],
                        f.getFileName().toString());
                next++;
                return out;
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** The frames of a video file, decoded by {@link VideoFrames}. */
    static FrameSource video(Path file, RoadView view, int maxFrames) throws IOException {
        VideoFrames v = VideoFrames.open(file);
        int total = v.totalFrames();
        return new FrameSource() {
            private int next;

            @Override
            public int size() {
                return total > 0 ? Math.min(maxFrames, total) : maxFrames;
            }

            @Override
            public Frame next() throws IOException {
                if (next >= maxFrames) {
                    return null;
                }
                BufferedImage img = v.next();
                if (img == null) {
                    return null;
                }
                String name = file.getFileName() + " frame " + next;
                next++;
                return new Frame(UdacityDriving.toInput(img, view, 0, name), Double.NaN, name);
            }

            @Override
            public String describe() {
                return "video " + file + " (" + (total > 0 ? total + " frames" : "frame count unknown") + ", no steering angles)";
            }

            @Override
            public void close() throws IOException {
                v.close();
            }
        };
    }
}
