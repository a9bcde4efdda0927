package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.testing.Tolerances;
import org.visualbackprop.train.Dataset;

class GtsrbGtsdbTest {
    @TempDir
    Path dir;

    private static final String GT_HEADER = "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId";

    /** A 12 x 10 picture: blue, with a red rectangle at columns 3..8, rows 2..6 (inclusive). */
    private void writeSignPicture(Path p) throws IOException {
        ReaderFiles.writePpm(p, 12, 10, (x, y) -> x >= 3 && x <= 8 && y >= 2 && y <= 6 ? 0xff0000 : 0x0000ff);
    }

    @Test
    void ppmIsReadThroughTheImageIoPlugin() throws IOException {
        Path p = dir.resolve("a.ppm");
        writeSignPicture(p);
        float[] planes = org.visualbackprop.image.Images.planes(org.visualbackprop.image.Images.read(p), 3);
        int plane = 120;
        assertEquals(1f, planes[2 * 12 + 3], 0f, "red at (3, 2)");
        assertEquals(1f, planes[2 * plane], 0f, "blue at (0, 0)");
        assertEquals(0f, planes[0], 0f);
    }

    @Test
    void gtsrbAnnotationsGiveWholePicturesOrTheirRoi() throws IOException {
        Path folder = dir.resolve("Final_Training/Images/00014");
        writeSignPicture(folder.resolve("00000_00000.ppm"));
        writeSignPicture(folder.resolve("00000_00001.ppm"));
        Files.writeString(folder.resolve("GT-00014.csv"), GT_HEADER + "\n00000_00000.ppm;12;10;3;2;8;6;14\n00000_00001.ppm;12;10;3;2;8;6;14\n");
        List<Gtsrb.Sample> samples = Gtsrb.scan(dir);
        assertEquals(2, samples.size());
        Gtsrb.Sample s = samples.get(0);
        assertEquals(14, s.classId());
        assertEquals(List.of(3, 2, 8, 6), List.of(s.x1(), s.y1(), s.x2(), s.y2()));
        Dataset roi = Gtsrb.dataset(samples, true, "test");
        assertEquals(new Shape(1, 3, 125, 125), roi.inputShape());
        float[] x = new float[3 * 125 * 125];
        float[] t = new float[1];
        roi.load(1, x, 0, t, 0);
        assertEquals(14f, t[0]);
        int plane = 125 * 125;
        for (int i = 0; i < plane; i++) {
            assertEquals(1f, x[i], Tolerances.F32, "red everywhere in the ROI");
            assertEquals(0f, x[2 * plane + i], Tolerances.F32);
        }
        Dataset whole = Gtsrb.dataset(samples, false, "test");
        whole.load(0, x, 0, t, 0);
        assertEquals(1f, x[2 * plane], Tolerances.F32, "blue corner of the whole picture");
        assertEquals(1f, x[62 * 125 + 62], Tolerances.F32, "red centre");
    }

    @Test
    void gtsrbErrorsNameTheLine() throws IOException {
        writeSignPicture(dir.resolve("a.ppm"));
        Path gt = dir.resolve("GT-00000.csv");
        Files.writeString(gt, GT_HEADER + "\na.ppm;12;10;3;2;12;6;1\n");
        String m = assertThrows(CorruptFileException.class, () -> Gtsrb.readAnnotations(gt)).getMessage();
        assertTrue(m.contains("line 2") && m.contains("ROI") && m.contains("12 x 10"), m);
        Files.writeString(gt, GT_HEADER + "\na.ppm;12;10;3;2;8;6;43\n");
        m = assertThrows(CorruptFileException.class, () -> Gtsrb.readAnnotations(gt)).getMessage();
        assertTrue(m.contains("line 2") && m.contains("class 43"), m);
        Files.writeString(gt, GT_HEADER + "\na.ppm;12;10;3;2;8;6;1\na.ppm;12;x;3;2;8;6;1\n");
        m = assertThrows(CorruptFileException.class, () -> Gtsrb.readAnnotations(gt)).getMessage();
        assertTrue(m.contains("line 3") && m.contains("Height") && m.contains("'x'"), m);
        Files.writeString(gt, "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2\na.ppm;12;10;3;2;8;6\n");
        m = assertThrows(CorruptFileException.class, () -> Gtsrb.readAnnotations(gt)).getMessage();
        assertTrue(m.contains("ClassId"), m);
        Files.writeString(gt, GT_HEADER + "\nb.ppm;12;10;3;2;8;6;1\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Gtsrb.readAnnotations(gt));
        assertTrue(e.getMessage().contains("b.ppm") && e.getReason().contains("line 2"), e.getReason());
        // the table's size disagrees with the picture: found when loading
        Files.writeString(gt, GT_HEADER + "\na.ppm;13;10;3;2;8;6;1\n");
        Dataset d = Gtsrb.dataset(Gtsrb.readAnnotations(gt), false, "test");
        UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> d.load(0, new float[3 * 125 * 125], 0, new float[1], 0));
        assertTrue(u.getCause() instanceof CorruptFileException && u.getMessage().contains("12 x 10") && u.getMessage().contains("13 x 10"),
                u.getMessage());
        assertThrows(NoSuchFileException.class, () -> Gtsrb.scan(dir.resolve("empty-nowhere")));
    }

    @Test
    void gtsdbCropsEachSignWithAMargin() throws IOException {
        // scene 40 x 30, green; a red sign at columns 10..19, rows 5..14; a blue one at 25..34, 15..24
        ReaderFiles.writePpm(dir.resolve("00000.ppm"), 40, 30, (x, y) -> x >= 10 && x <= 19 && y >= 5 && y <= 14 ? 0xff0000
                : x >= 25 && x <= 34 && y >= 15 && y <= 24 ? 0x0000ff : 0x00ff00);
        Path gt = dir.resolve("gt.txt");
        Files.writeString(gt, "00000.ppm;10;5;19;14;14\n00000.ppm;25;15;34;24;38\n");
        List<Gtsdb.Sign> signs = Gtsdb.read(gt);
        assertEquals(2, signs.size());
        assertEquals(38, signs.get(1).classId());
        Dataset tight = Gtsdb.dataset(signs, 0, "test");
        float[] x = new float[3 * 125 * 125];
        float[] t = new float[1];
        int plane = 125 * 125;
        tight.load(1, x, 0, t, 0);
        assertEquals(38f, t[0]);
        for (int i = 0; i < plane; i++) {
            assertEquals(1f, x[2 * plane + i], Tolerances.F32, "only the blue sign");
        }
        Dataset margin = Gtsdb.dataset(signs, Gtsdb.GTSRB_MARGIN, "test");
        margin.load(0, x, 0, t, 0);
        assertEquals(1f, x[plane], Tolerances.F32, "a green border around the red sign");
        assertEquals(1f, x[62 * 125 + 62], Tolerances.F32, "red centre");
    }

    @Test
    void gtsdbErrorsNameTheLine() throws IOException {
        ReaderFiles.writePpm(dir.resolve("00000.ppm"), 40, 30, (x, y) -> 0);
        Path gt = dir.resolve("gt.txt");
        Files.writeString(gt, "00000.ppm;10;5;19;14;14\n00000.ppm;10;5;19;14\n");
        String m = assertThrows(CorruptFileException.class, () -> Gtsdb.read(gt)).getMessage();
        assertTrue(m.contains("line 2") && m.contains("5 fields") && m.contains("expected 6"), m);
        Files.writeString(gt, "00000.ppm;10;5;9;14;14\n");
        m = assertThrows(CorruptFileException.class, () -> Gtsdb.read(gt)).getMessage();
        assertTrue(m.contains("line 1") && m.contains("box"), m);
        Files.writeString(gt, "00000.ppm;10;5;19;14;99\n");
        m = assertThrows(CorruptFileException.class, () -> Gtsdb.read(gt)).getMessage();
        assertTrue(m.contains("class 99"), m);
        Files.writeString(gt, "00000.ppm;10;5;50;14;1\n");
        Dataset d = Gtsdb.dataset(Gtsdb.read(gt), 0.1, "test");
        UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> d.load(0, new float[3 * 125 * 125], 0, new float[1], 0));
        assertTrue(u.getMessage().contains("not inside") && u.getMessage().contains("40 x 30"), u.getMessage());
        Files.writeString(dir.resolve("00001.ppm"), "P6\n40 30\n255\nshort");
        Files.writeString(gt, "00001.ppm;10;5;19;14;1\n");
        Dataset broken = Gtsdb.dataset(Gtsdb.read(gt), 0.1, "test");
        u = assertThrows(UncheckedIOException.class, () -> broken.load(0, new float[3 * 125 * 125], 0, new float[1], 0));
        assertTrue(u.getCause() instanceof CorruptFileException && u.getMessage().contains("00001.ppm"), u.getMessage());
    }
}
