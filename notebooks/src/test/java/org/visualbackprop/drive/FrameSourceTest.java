package org.visualbackprop.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.data.RoadDrive;
import org.visualbackprop.data.RoadView;

/** Where a drive's frames come from: their order, their true angles, their size, and the errors for bad inputs. */
class FrameSourceTest {
    @TempDir
    Path dir;

    /** A 64 x 48 picture of one gray level. */
    private static void picture(Path file, int gray) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.getRaster().setSample(x, y, 0, gray);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void aFolderIsReadInNameOrderAsFramesOfTheView() throws IOException {
        picture(dir.resolve("frames/1479425441300.png"), 30);
        picture(dir.resolve("frames/1479425441100.png"), 10);
        picture(dir.resolve("frames/1479425441200.png"), 20);
        picture(dir.resolve("numbered/img10.png"), 30);
        picture(dir.resolve("numbered/img2.png"), 20);
        picture(dir.resolve("numbered/img1.png"), 10);
        Files.writeString(dir.resolve("frames/notes.txt"), "not a frame");
        try (FrameSource s = FrameSource.open(dir.resolve("frames"), RoadView.SVF, 100)) {
            assertEquals(3, s.size());
            for (int gray : new int[] {10, 20, 30}) {
                FrameSource.Frame f = s.next();
                assertEquals(RoadView.SVF.inputShape(), f.image().shape());
                assertEquals(gray / 255f, f.image().data()[0], 1e-6, f.name());
                assertTrue(Double.isNaN(f.trueDegrees()), "no angles in a plain folder");
            }
            assertNull(s.next());
        }
        try (FrameSource s = FrameSource.open(dir.resolve("numbered"), RoadView.SVF, 100)) {
            for (String name : new String[] {"img1.png", "img2.png", "img10.png"}) {
                assertEquals(name, s.next().name(), "numbers in names compare as numbers");
            }
        }
        try (FrameSource s = FrameSource.open(dir.resolve("frames"), RoadView.HVF, 2)) {
            assertEquals(2, s.size(), "--frames caps the count");
            assertEquals(RoadView.HVF.inputShape(), s.next().image().shape());
        }
    }

    @Test
    void udacitysExportGivesTheCentreFramesWithTheirAngles() throws IOException {
        picture(dir.resolve("run/center/2.png"), 40);
        picture(dir.resolve("run/left/2.png"), 99);
        picture(dir.resolve("run/center/3.png"), 60);
        Files.writeString(dir.resolve("run/interpolated.csv"), String.join("\n",
                "index,timestamp,width,height,frame_id,filename,angle,torque,speed,lat,long,alt",
                "0,2,64,48,center_camera,center/2.png,0.1,0,3.0,0,0,0",
                "1,2,64,48,left_camera,left/2.png,0.1,0,3.0,0,0,0",
                "2,3,64,48,center_camera,center/3.png,-0.2,0,12.0,0,0,0") + "\n");
        try (FrameSource s = FrameSource.open(dir.resolve("run"), RoadView.SVF, 100)) {
            assertEquals(2, s.size(), "centre camera only, every speed");
            FrameSource.Frame a = s.next();
            assertEquals(Math.toDegrees(0.1), a.trueDegrees(), 1e-9);
            assertEquals(40 / 255f, a.image().data()[0], 1e-6);
            assertEquals(Math.toDegrees(-0.2), s.next().trueDegrees(), 1e-9);
        }
        // the table itself as --input, and a folder whose pictures are in center/
        try (FrameSource s = FrameSource.open(dir.resolve("run/interpolated.csv"), RoadView.SVF, 1)) {
            assertEquals(1, s.size());
        }
        Files.delete(dir.resolve("run/interpolated.csv"));
        try (FrameSource s = FrameSource.open(dir.resolve("run"), RoadView.SVF, 100)) {
            assertEquals(2, s.size(), "the center/ folder's pictures");
        }
    }

    @Test
    void aVideoIsReadFrameByFrame() throws IOException {
        Path video = dir.resolve("clip.mp4");
        try (Mp4Writer w = new Mp4Writer(video, 30)) {
            for (int i = 0; i < 5; i++) {
                BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
                java.awt.Graphics2D g = img.createGraphics();
                g.setColor(new java.awt.Color(i * 50, i * 50, i * 50));
                g.fillRect(0, 0, 320, 240);
                g.dispose();
                w.add(img);
            }
        }
        try (FrameSource s = FrameSource.open(video, RoadView.SVF, 100)) {
            assertEquals(5, s.size());
            for (int i = 0; i < 5; i++) {
                FrameSource.Frame f = s.next();
                assertEquals(RoadView.SVF.inputShape(), f.image().shape());
                assertEquals(i * 50 / 255.0, f.image().data()[1000], 4 / 255.0, "frame " + i);
            }
            assertNull(s.next());
        }
    }

    @Test
    void aSyntheticDriveGivesItsFramesWithTheirLabels() throws IOException {
        RoadDrive d = RoadDrive.generate(3, 10);
        try (FrameSource s = FrameSource.synthetic(d, RoadView.SVF, 3, 0.5)) {
            for (int i = 0; i < 3; i++) {
                FrameSource.Frame f = s.next();
                assertEquals(d.frame(i, 0.5).steeringDegrees(), f.trueDegrees());
                org.junit.jupiter.api.Assertions.assertArrayEquals(d.render(i, 0.5, RoadView.SVF).image().data(), f.image().data());
            }
            assertNull(s.next());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameSource.synthetic(d, RoadView.SVF, 30, 0.5));
        assertTrue(e.getMessage().contains("30 frames"), e.getMessage());
    }

    @Test
    void badInputsAreRefusedByName() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> FrameSource.open(dir.resolve("nowhere"), RoadView.SVF, 5));
        assertTrue(missing.getMessage().contains("nowhere"));
        Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameSource.open(dir.resolve("empty"), RoadView.SVF, 5));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("holds no frames"), e.getMessage());
        Files.writeString(dir.resolve("notes.txt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> FrameSource.open(dir.resolve("notes.txt"), RoadView.SVF, 5));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("not a video"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FrameSource.open(dir, RoadView.SVF, 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
