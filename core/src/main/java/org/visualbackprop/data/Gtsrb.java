package org.visualbackprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.train.Dataset;

/**
 * The German Traffic Sign Recognition Benchmark (Stallkamp et al., 2012), for users who have it: PPM pictures, each
 * folder with an annotation table {@code GT-*.csv} separated by semicolons, with the header
 * {@code Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId}. The ROI corners are inclusive pixel coordinates
 * of the sign inside the picture (the pictures keep a border of about 10% around it). Columns are found by name.
 *
 * <p>{@link #dataset} gives {@code 1 x 3 x 125 x 125} inputs in [0, 1] (the paper: "we scale all images to the size
 * of 125 x 125"), either the whole picture or its ROI, and the class id as target. PPM is read through the
 * TwelveMonkeys ImageIO plugin.
 */
public final class Gtsrb {
    /** Side of the network input. */
    public static final int SIZE = 125;

    private Gtsrb() {
    }

    /**
     * One annotated picture.
     *
     * @param image  the picture file
     * @param width  its width according to the table
     * @param height its height according to the table
     * @param x1     left column of the sign (inclusive)
     * @param y1     top row (inclusive)
     * @param x2     right column (inclusive)
     * @param y2     bottom row (inclusive)
     * @param classId 0..42, see {@link SignClass}
     * @param origin where it was listed ("file line n")
     */
    public record Sample(Path image, int width, int height, int x1, int y1, int x2, int y2, int classId, String origin) {
    }

    /**
     * Reads one {@code GT-*.csv} table; picture paths are resolved against its folder and must exist.
     *
     * @throws CorruptFileException for missing columns, wrong field counts, numbers that do not parse, a ROI outside
     *                              the picture or a class outside 0..42 (the message names the line)
     */
    public static List<Sample> readAnnotations(Path csv) throws IOException {
        Table t = Table.read(csv, ';', true, 0);
        int cFile = t.column("Filename", true);
        int cW = t.column("Width", true);
        int cH = t.column("Height", true);
        int cX1 = t.column("Roi.X1", true);
        int cY1 = t.column("Roi.Y1", true);
        int cX2 = t.column("Roi.X2", true);
        int cY2 = t.column("Roi.Y2", true);
        int cClass = t.column("ClassId", true);
        List<Sample> out = new ArrayList<>();
        for (Table.Row row : t.rows()) {
            String where = csv + " line " + row.line();
            int w = t.integer(row, cW, "Width");
            int h = t.integer(row, cH, "Height");
            int x1 = t.integer(row, cX1, "Roi.X1");
            int y1 = t.integer(row, cY1, "Roi.Y1");
            int x2 = t.integer(row, cX2, "Roi.X2");
            int y2 = t.integer(row, cY2, "Roi.Y2");
            int cls = t.integer(row, cClass, "ClassId");
            if (w < 1 || h < 1) {
                throw new CorruptFileException(where + ": picture size " + w + " x " + h + " is not positive");
            }
            if (x1 < 0 || y1 < 0 || x2 < x1 || y2 < y1 || x2 >= w || y2 >= h) {
                throw new CorruptFileException(where + ": ROI (" + x1 + ", " + y1 + ") - (" + x2 + ", " + y2
                        + ") is not inside the " + w + " x " + h + " picture");
            }
            checkClass(where, cls);
            Path image = t.path(row, cFile, "Filename");
            if (!Files.isRegularFile(image)) {
                throw new NoSuchFileException(image.toString(), null, "picture listed at " + where + " not found");
            }
            out.add(new Sample(image, w, h, x1, y1, x2, y2, cls, where));
        }
        return out;
    }

    /**
     * Every {@code GT-*.csv} under {@code root} (the training set has one per class folder), in path order.
     *
     * @throws NoSuchFileException when {@code root} is not a folder or holds no annotation table
     */
    public static List<Sample> scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "GTSRB folder not found");
        }
        List<Path> tables;
        try (Stream<Path> s = Files.walk(root)) {
            tables = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("GT-") && n.endsWith(".csv") && Files.isRegularFile(p);
            }).sorted().toList();
        }
        if (tables.isEmpty()) {
            throw new NoSuchFileException(root.toString(), null, "no GT-*.csv annotation table under this folder");
        }
        List<Sample> out = new ArrayList<>();
        for (Path p : tables) {
            out.addAll(readAnnotations(p));
        }
        return out;
    }

    /**
     * The samples as {@code 1 x 3 x 125 x 125} inputs: the whole picture, or only the ROI when {@code cropToRoi};
     * target the class id. A picture whose size differs from its table's Width and Height fails to load with a
     * {@link CorruptFileException} (as the cause of an {@link java.io.UncheckedIOException}).
     */
    public static Dataset dataset(List<Sample> samples, boolean cropToRoi, String description) {
        Objects.requireNonNull(samples, "samples");
        List<ImageListDataset.Item> items = new ArrayList<>();
        for (Sample s : samples) {
            items.add(new ImageListDataset.Item(s.image(), s.classId(), s, s.origin()));
        }
        return new ImageListDataset(items, (item, w, h) -> {
            Sample s = (Sample) item.key();
            if (w != s.width() || h != s.height()) {
                throw new CorruptFileException(s.image() + ": picture is " + w + " x " + h + ", but " + s.origin()
                        + " says " + s.width() + " x " + s.height());
            }
            return cropToRoi ? new int[] {s.x1(), s.y1(), s.x2() - s.x1() + 1, s.y2() - s.y1() + 1} : new int[] {0, 0, w, h};
        }, 3, SIZE, SIZE, description + " (" + samples.size() + " GTSRB pictures" + (cropToRoi ? ", ROI" : "") + ", 3 x 125 x 125)");
    }

    static void checkClass(String where, int cls) throws CorruptFileException {
        if (cls < 0 || cls >= SignClass.COUNT) {
            throw new CorruptFileException(where + ": class " + cls + " is not a GTSRB class 0.." + (SignClass.COUNT - 1));
        }
    }
}
