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

class UdacityDrivingTest {
    @TempDir
    Path dir;

    private static final String HEADER = "index,timestamp,width,height,frame_id,filename,angle,torque,speed,lat,long,alt";

    /** Frames 64 x 48: black, except the bottom {@code band} rows, which are white. */
    private void writeFrame(String name, int band) throws IOException {
        ReaderFiles.writeGrayPng(dir.resolve(name), 64, 48, (x, y) -> y >= 48 - band ? 255 : 0);
    }

    private Path writeCsv(String... lines) throws IOException {
        Path csv = dir.resolve("interpolated.csv");
        Files.writeString(csv, HEADER + "\n" + String.join("\n", lines) + "\n");
        return csv;
    }

    @Test
    void keepsCentreCameraAboveFiveMetresPerSecondAndConvertsRadiansToDegrees() throws IOException {
        writeFrame("center/1.png", 13);
        writeFrame("center/2.png", 13);
        writeFrame("left/1.png", 13);
        writeFrame("center/3.png", 13);
        Path csv = writeCsv(
                "0,1479424215880976321,64,48,center_camera,center/1.png,0.1,0.0,6.5,37.4,-122.1,-4.5",
                "1,1479424215880976322,64,48,left_camera,left/1.png,0.1,0.0,6.5,37.4,-122.1,-4.5",
                "2,1479424215880976323,64,48,center_camera,center/2.png,-0.5,0.0,4.9,37.4,-122.1,-4.5",
                "3,1479424215880976324,64,48,center_camera,center/3.png,-0.25,0.0,12.0,37.4,-122.1,-4.5");
        UdacityDriving u = UdacityDriving.read(csv, UdacityDriving.Options.paper());
        assertEquals(4, u.lineCount());
        List<UdacityDriving.Frame> f = u.frames();
        assertEquals(2, f.size());
        assertEquals(Math.toDegrees(0.1), f.get(0).steeringDegrees(), 1e-12);
        assertEquals(Math.toDegrees(-0.25), f.get(1).steeringDegrees(), 1e-12);
        assertEquals(1479424215880976324L, f.get(1).timestamp());
        assertEquals(5, f.get(1).line());
        assertEquals(dir.resolve("center/3.png").toAbsolutePath(), f.get(1).image().toAbsolutePath());
        UdacityDriving all = UdacityDriving.read(csv, UdacityDriving.Options.paper().withCamera(null).withMinSpeed(0));
        assertEquals(4, all.frames().size());
    }

    @Test
    void datasetCropsTheBottomBandOfTheViewsAspectRatio() throws IOException {
        // 64 wide: SVF's 640:125 band is round(64 / 5.12) = 13 rows, HVF's 349:125 band is round(64 / 2.792) = 23 rows
        writeFrame("center/1.png", 13);
        writeFrame("center/2.png", 23);
        Path csv = writeCsv(
                "0,1,64,48,center_camera,center/1.png,0.2,0,10,0,0,0",
                "1,2,64,48,center_camera,center/2.png,-0.2,0,10,0,0,0");
        UdacityDriving u = UdacityDriving.read(csv, UdacityDriving.Options.paper());
        Dataset svf = u.dataset(RoadView.SVF, RoadScenes.Target.DEGREES);
        assertEquals(new Shape(1, 1, 125, 640), svf.inputShape());
        float[] x = new float[125 * 640];
        float[] t = new float[1];
        svf.load(0, x, 0, t, 0);
        assertEquals(Math.toDegrees(0.2), t[0], 1e-4);
        for (float v : x) {
            assertEquals(1f, v, Tolerances.F32, "the white band fills the SVF input");
        }
        Dataset hvf = u.dataset(RoadView.HVF, RoadScenes.Target.NORMALIZED);
        assertEquals(new Shape(1, 1, 125, 349), hvf.inputShape());
        float[] y = new float[125 * 349];
        hvf.load(1, y, 0, t, 0);
        assertEquals(Math.toDegrees(-0.2) / RoadScenes.NORMALIZING_DEGREES, t[0], 1e-6);
        for (float v : y) {
            assertEquals(1f, v, Tolerances.F32, "the white band fills the HVF input");
        }
        // frame 1 has a narrower white band: the HVF crop reaches into black rows
        hvf.load(0, y, 0, t, 0);
        assertEquals(0f, y[0], Tolerances.F32);
        assertEquals(1f, y[124 * 349], Tolerances.F32);
        int[] band = UdacityDriving.bottomBand(null, 640, 480, 20, 640.0 / 125);
        assertEquals(List.of(0, 335, 640, 125), List.of(band[0], band[1], band[2], band[3]));
    }

    @Test
    void malformedTablesNameTheLineAndColumn() throws IOException {
        writeFrame("center/1.png", 13);
        Path csv = dir.resolve("bad-columns.csv");
        Files.writeString(csv, "index,timestamp,frame_id,filename,torque,speed\n0,1,center_camera,center/1.png,0,9\n");
        String m = assertThrows(CorruptFileException.class, () -> UdacityDriving.read(csv, UdacityDriving.Options.paper())).getMessage();
        assertTrue(m.contains("no column 'angle'") && m.contains("frame_id") && m.contains("line 1"), m);

        Path fields = writeCsv("0,1,64,48,center_camera,center/1.png,0.1,0,6,0,0,0", "1,2,64,48,center_camera,center/1.png,0.1");
        m = assertThrows(CorruptFileException.class, () -> UdacityDriving.read(fields, UdacityDriving.Options.paper())).getMessage();
        assertTrue(m.contains("line 3") && m.contains("7 fields") && m.contains("expected 12"), m);

        Path number = writeCsv("0,1,64,48,center_camera,center/1.png,0.1,0,6,0,0,0", "1,2,64,48,center_camera,center/1.png,abc,0,6,0,0,0");
        m = assertThrows(CorruptFileException.class, () -> UdacityDriving.read(number, UdacityDriving.Options.paper())).getMessage();
        assertTrue(m.contains("line 3") && m.contains("angle") && m.contains("'abc'"), m);

        Path picture = writeCsv("0,1,64,48,center_camera,center/missing.png,0.1,0,6,0,0,0");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> UdacityDriving.read(picture, UdacityDriving.Options.paper()));
        assertTrue(e.getMessage().contains("missing.png") && e.getReason().contains("line 2"), e.getMessage() + " " + e.getReason());

        assertThrows(NoSuchFileException.class, () -> UdacityDriving.read(dir.resolve("none.csv"), UdacityDriving.Options.paper()));
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "\n\n");
        m = assertThrows(CorruptFileException.class, () -> UdacityDriving.read(empty, UdacityDriving.Options.paper())).getMessage();
        assertTrue(m.contains("header"), m);
    }

    @Test
    void aDamagedPictureFailsAtLoadNamingTheLine() throws IOException {
        Files.createDirectories(dir.resolve("center"));
        Files.writeString(dir.resolve("center/1.png"), "not a picture");
        Path csv = writeCsv("0,1,64,48,center_camera,center/1.png,0.1,0,6,0,0,0");
        Dataset d = UdacityDriving.read(csv, UdacityDriving.Options.paper()).dataset(RoadView.SVF, RoadScenes.Target.DEGREES);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.load(0, new float[125 * 640], 0, new float[1], 0));
        assertTrue(e.getCause() instanceof CorruptFileException, e.toString());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("1.png"), e.getMessage());
    }

    @Test
    void onePictureBecomesTheSameInputAsTheDataSetMakesOfIt() throws IOException {
        writeFrame("center/1.png", 23);
        Path csv = writeCsv("0,1,64,48,center_camera,center/1.png,0.2,0,10,0,0,0");
        Dataset hvf = UdacityDriving.read(csv, UdacityDriving.Options.paper()).dataset(RoadView.HVF, RoadScenes.Target.DEGREES);
        float[] x = new float[125 * 349];
        hvf.load(0, x, 0, new float[1], 0);
        java.awt.image.BufferedImage picture = org.visualbackprop.image.Images.read(dir.resolve("center/1.png"));
        org.visualbackprop.tensor.Tensor t = UdacityDriving.toInput(picture, RoadView.HVF, 0, "frame 1");
        assertEquals(RoadView.HVF.inputShape(), t.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(x, t.data());
        for (float v : t.data()) {
            assertEquals(1f, v, Tolerances.F32, "HVF's 23-row band is the white one");
        }
        // a margin of 23 rows leaves the black part of the picture
        for (float v : UdacityDriving.toInput(picture, RoadView.HVF, 23, "frame 1").data()) {
            assertEquals(0f, v, Tolerances.F32);
        }
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> UdacityDriving.toInput(picture, RoadView.SVF, 48, "frame 7"));
        assertTrue(e.getMessage().contains("frame 7") && e.getMessage().contains("48"), e.getMessage());
    }
}
