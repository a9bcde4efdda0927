package org.visualbackprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.train.Dataset;

/**
 * The German Traffic Sign Detection Benchmark (Houben et al., 2013), the data of the paper's supplement, for users
 * who have it: 1360 x 800 PPM scenes ({@code 00000.ppm} ...) and a table {@code gt.txt} without header, one sign per
 * line, {@code file;x1;y1;x2;y2;class} (inclusive pixel corners, class 0..42 as in GTSRB, see {@link SignClass}).
 *
 * <p>{@link #dataset} crops each sign with a margin (GTSRB's pictures keep about 10% of the sign's size around it)
 * and scales it to {@code 1 x 3 x 125 x 125}; the target is the class id.
 */
public final class Gtsdb {
    /** GTSRB's border around a sign, as a fraction of its size. */
    public static final double GTSRB_MARGIN = 0.1;

    private Gtsdb() {
    }

    /**
     * One sign in a scene.
     *
     * @param image   the scene's picture
     * @param x1      left column (inclusive)
     * @param y1      top row (inclusive)
     * @param x2      right column (inclusive)
     * @param y2      bottom row (inclusive)
     * @param classId 0..42
     * @param origin  where it was listed ("file line n")
     */
    public record Sign(Path image, int x1, int y1, int x2, int y2, int classId, String origin) {
    }

    /**
     * Reads {@code gt.txt}; pictures are resolved against its folder and must exist.
     *
     * @throws CorruptFileException for a line without 6 fields, a number that does not parse, an empty box or a class
     *                              outside 0..42 (the message names the line)
     */
    public static List<Sign> read(Path gtTxt) throws IOException {
        Table t = Table.read(gtTxt, ';', false, 6);
        List<Sign> out = new ArrayList<>();
        for (Table.Row row : t.rows()) {
            String where = gtTxt + " line " + row.line();
            int x1 = t.integer(row, 1, "x1 (field 2)");
            int y1 = t.integer(row, 2, "y1 (field 3)");
            int x2 = t.integer(row, 3, "x2 (field 4)");
            int y2 = t.integer(row, 4, "y2 (field 5)");
            int cls = t.integer(row, 5, "class (field 6)");
            if (x1 < 0 || y1 < 0 || x2 < x1 || y2 < y1) {
                throw new CorruptFileException(where + ": box (" + x1 + ", " + y1 + ") - (" + x2 + ", " + y2 + ") is empty or negative");
            }
            Gtsrb.checkClass(where, cls);
            Path image = t.path(row, 0, "file (field 1)");
            if (!Files.isRegularFile(image)) {
                throw new NoSuchFileException(image.toString(), null, "scene listed at " + where + " not found");
            }
            out.add(new Sign(image, x1, y1, x2, y2, cls, where));
        }
        return out;
    }

    /**
     * Each sign cropped with {@code margin} (a fraction of its width and height added on each side, clipped to the
     * picture) and scaled to {@code 1 x 3 x 125 x 125}. A box outside its picture fails to load with a
     * {@link CorruptFileException} (as the cause of an {@link java.io.UncheckedIOException}).
     */
    public static Dataset dataset(List<Sign> signs, double margin, String description) {
        Objects.requireNonNull(signs, "signs");
        if (!(margin >= 0 && margin <= 2)) {
            throw new IllegalArgumentException("margin must be in [0, 2], got " + margin);
        }
        List<ImageListDataset.Item> items = new ArrayList<>();
        for (Sign s : signs) {
            items.add(new ImageListDataset.Item(s.image(), s.classId(), s, s.origin()));
        }
        return new ImageListDataset(items, (item, w, h) -> {
            Sign s = (Sign) item.key();
            if (s.x2() >= w || s.y2() >= h) {
                throw new CorruptFileException(s.origin() + ": box (" + s.x1() + ", " + s.y1() + ") - (" + s.x2() + ", "
                        + s.y2() + ") is not inside the " + w + " x " + h + " picture " + s.image());
            }
            int bw = s.x2() - s.x1() + 1;
            int bh = s.y2() - s.y1() + 1;
            int mx = (int) Math.round(bw * margin);
            int my = (int) Math.round(bh * margin);
            int x0 = Math.max(0, s.x1() - mx);
            int y0 = Math.max(0, s.y1() - my);
            int x1 = Math.min(w - 1, s.x2() + mx);
            int y1 = Math.min(h - 1, s.y2() + my);
            return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
        }, 3, Gtsrb.SIZE, Gtsrb.SIZE, description + " (" + signs.size() + " GTSDB signs, margin " + margin + ", 3 x 125 x 125)");
    }
}
