package org.visualbackprop.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Dataset;

/**
 * The Udacity self-driving car data (the paper's Section 5: "Udacity Self Driving Car Dataset 3-1: El Camino") as
 * exported to a CSV table of frames and steering angles, for users who have it. The common export is the
 * {@code interpolated.csv} of the Udacity challenge tools, with the header
 * {@code index,timestamp,width,height,frame_id,filename,angle,torque,speed,lat,long,alt}: one line per camera frame,
 * {@code frame_id} naming the camera ({@code center_camera}, {@code left_camera}, {@code right_camera}),
 * {@code filename} the picture relative to the CSV's folder, {@code angle} the steering-wheel angle in radians
 * (positive left) and {@code speed} in m/s. Columns are found by name, in any order; {@code filename} and
 * {@code angle} are required, {@code frame_id}, {@code speed} and {@code timestamp} are used when present.
 *
 * <p>The paper's preprocessing: frames synchronised with the measurements (the interpolated export is),
 * "ii) selecting only center camera images, iii) selecting images where the car speed is above 5 m/s, iv) converting
 * images to gray scale, and v) cropping and scaling the lower part of the images". {@link Options#paper()} does the
 * selection; {@link #dataset} the rest: it crops the band at the bottom of the picture (above
 * {@link Options#bottomMargin()} rows, e.g. the bonnet) that spans the full width with the aspect ratio of the
 * {@link RoadView} (640:125 for SVF, so the bottom 125 rows of a 640 x 480 frame; 349:125 for HVF, the bottom 229
 * rows), and scales it to the view's size. Angles become degrees, like {@link RoadScene#steeringDegrees()}.
 */
public final class UdacityDriving {
    /** The paper's speed threshold, m/s. */
    public static final double PAPER_MIN_SPEED = 5.0;

    /**
     * Which lines to keep and how to read them.
     *
     * @param camera          keep lines whose {@code frame_id} is this ({@code null}: every camera)
     * @param minSpeed        keep lines whose speed is above this, m/s ({@code <= 0} or NaN: no speed filter)
     * @param anglesInRadians the angle column is in radians (converted to degrees); false: already degrees
     * @param bottomMargin    rows at the bottom of each picture to leave out before cropping, >= 0
     */
    public record Options(String camera, double minSpeed, boolean anglesInRadians, int bottomMargin) {
        public Options {
            if (bottomMargin < 0) {
                throw new IllegalArgumentException("bottomMargin must be >= 0, got " + bottomMargin);
            }
        }

        /** Centre camera, speed above 5 m/s, radians, no bottom margin. */
        public static Options paper() {
            return new Options("center_camera", PAPER_MIN_SPEED, true, 0);
        }

        public Options withCamera(String c) {
            return new Options(c, minSpeed, anglesInRadians, bottomMargin);
        }

        public Options withMinSpeed(double s) {
            return new Options(camera, s, anglesInRadians, bottomMargin);
        }

        public Options withAnglesInRadians(boolean r) {
            return new Options(camera, minSpeed, r, bottomMargin);
        }

        public Options withBottomMargin(int m) {
            return new Options(camera, minSpeed, anglesInRadians, m);
        }

        boolean filtersSpeed() {
            return minSpeed > 0;
        }
    }

    /**
     * A kept frame.
     *
     * @param image           the picture file
     * @param timestamp       the {@code timestamp} column (nanoseconds in the Udacity export), or -1 when absent
     * @param steeringDegrees steering-wheel angle, degrees, positive left
     * @param speed           m/s, or NaN when the table has no speed column
     * @param line            line of the CSV file
     */
    public record Frame(Path image, long timestamp, double steeringDegrees, double speed, int line) {
    }

    private final Path csv;
    private final Options options;
    private final List<Frame> frames;
    private final int lines;

    private UdacityDriving(Path csv, Options options, List<Frame> frames, int lines) {
        this.csv = csv;
        this.options = options;
        this.frames = List.copyOf(frames);
        this.lines = lines;
    }

    /**
     * Reads the CSV table and keeps the frames {@code options} selects, checking that their pictures exist.
     *
     * @throws NoSuchFileException  when the table or a kept frame's picture is missing (the message names the line)
     * @throws CorruptFileException when a column is missing, a line has the wrong number of fields, or a number does
     *                              not parse (the message names the line and column)
     */
    public static UdacityDriving read(Path csv, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Table t = Table.read(csv, ',', true, 0);
        int colFile = t.column("filename", true);
        int colAngle = t.column("angle", true);
        int colCamera = t.column("frame_id", false);
        int colSpeed = t.column("speed", options.filtersSpeed());
        int colTime = t.column("timestamp", false);
        if (options.camera() != null && colCamera < 0) {
            throw new CorruptFileException(csv + " line 1: no column 'frame_id' to select the camera '" + options.camera()
                    + "' by; use Options.withCamera(null) to keep every line");
        }
        List<Frame> out = new ArrayList<>();
        for (Table.Row row : t.rows()) {
            if (colCamera >= 0 && options.camera() != null && !options.camera().equals(row.fields()[colCamera])) {
                continue;
            }
            double speed = colSpeed >= 0 ? t.number(row, colSpeed, "speed") : Double.NaN;
            if (options.filtersSpeed() && !(speed > options.minSpeed())) {
                continue;
            }
            double angle = t.number(row, colAngle, "angle");
            long time = -1;
            if (colTime >= 0) {
                String s = row.fields()[colTime];
                try {
                    time = Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw new CorruptFileException(csv + " line " + row.line() + ": timestamp is '" + s + "', not an integer");
                }
            }
            Path image = t.path(row, colFile, "filename");
            if (!Files.isRegularFile(image)) {
                throw new NoSuchFileException(image.toString(), null, "frame listed at " + csv + " line " + row.line() + " not found");
            }
            out.add(new Frame(image, time, options.anglesInRadians() ? Math.toDegrees(angle) : angle, speed, row.line()));
        }
        return new UdacityDriving(csv, options, out, t.rows().size());
    }

    /** The kept frames, in the table's order. */
    public List<Frame> frames() {
        return frames;
    }

    /** Data lines in the table (kept or not). */
    public int lineCount() {
        return lines;
    }

    /**
     * The kept frames as gray network inputs of {@code view}'s size, targets in {@code target}'s unit (degrees, or
     * degrees / {@link RoadScenes#NORMALIZING_DEGREES}).
     *
     * @throws IllegalArgumentException when no frame was kept
     */
    public Dataset dataset(RoadView view, RoadScenes.Target target) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(target, "target");
        List<ImageListDataset.Item> items = new ArrayList<>();
        for (Frame f : frames) {
            double y = target == RoadScenes.Target.DEGREES ? f.steeringDegrees() : f.steeringDegrees() / RoadScenes.NORMALIZING_DEGREES;
            items.add(new ImageListDataset.Item(f.image(), (float) y, f, csv + " line " + f.line()));
        }
        int margin = options.bottomMargin();
        double aspect = (double) view.width() / view.height();
        return new ImageListDataset(items, (item, w, h) -> bottomBand(item, w, h, margin, aspect), 1, view.height(), view.width(),
                "Udacity frames from " + csv + " (" + frames.size() + " of " + lines + " lines: camera "
                        + (options.camera() == null ? "any" : options.camera()) + ", speed "
                        + (options.filtersSpeed() ? "> " + options.minSpeed() + " m/s" : "any") + "), view " + view
                        + ", target " + (target == RoadScenes.Target.DEGREES ? "degrees" : "degrees / " + RoadScenes.NORMALIZING_DEGREES));
    }

    /**
     * One picture (a frame of the user's own drive, from a file or a video) as a {@code 1 x 1 x H x W} network input of
     * {@code view}'s size, as {@link #dataset} makes its samples: the bottom band of the picture, above
     * {@code bottomMargin} rows, spanning the full width with the view's aspect ratio, scaled to the view, gray.
     *
     * @param origin names the picture in error messages (a file, a video frame)
     * @throws CorruptFileException when the picture has no rows above the bottom margin
     */
    public static Tensor toInput(BufferedImage picture, RoadView view, int bottomMargin, String origin) throws CorruptFileException {
        Objects.requireNonNull(view, "view");
        if (bottomMargin < 0) {
            throw new IllegalArgumentException("bottomMargin must be >= 0, got " + bottomMargin);
        }
        int w = picture.getWidth();
        int h = picture.getHeight();
        int[] r = bottomBand(origin, w, h, bottomMargin, (double) view.width() / view.height());
        float[] planes = Images.planes(picture, 1);
        float[] cut = Pixels.crop(planes, 1, h, w, r[0], r[1], r[2], r[3]);
        Tensor out = Tensor.zeros(view.inputShape());
        Pixels.resize(cut, 1, r[3], r[2], out.data(), 0, view.height(), view.width());
        return out;
    }

    /** The bottom band of a {@code w x h} picture with the given aspect ratio, above {@code margin} rows. */
    static int[] bottomBand(ImageListDataset.Item item, int w, int h, int margin, double aspect) throws CorruptFileException {
        return bottomBand(item == null ? "picture" : item.image().toString(), w, h, margin, aspect);
    }

    private static int[] bottomBand(String origin, int w, int h, int margin, double aspect) throws CorruptFileException {
        int usable = h - margin;
        if (usable < 1) {
            throw new CorruptFileException(origin + ": " + w + " x " + h + " picture has no rows above the bottom margin of " + margin);
        }
        int bandH = (int) Math.round(w / aspect);
        int bandW = w;
        if (bandH > usable) {
            bandH = usable;
            bandW = Math.min(w, Math.max(1, (int) Math.round(usable * aspect)));
        }
        bandH = Math.max(1, bandH);
        return new int[] {(w - bandW) / 2, usable - bandH, bandW, bandH};
    }
}
