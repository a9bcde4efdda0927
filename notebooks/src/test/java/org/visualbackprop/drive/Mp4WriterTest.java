package org.visualbackprop.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;

/** Flat colours written and decoded back: each comes back as it went in, within the codec's rounding. */
class Mp4WriterTest {
    @TempDir
    Path dir;

    private static BufferedImage flat(int rgb) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    @Test
    void flatGraysAndPrimaryColoursComeBackAsTheyWentIn() throws IOException {
        int[] colours = {0x000000, 0x101010, 0x323232, 0x808080, 0xc8c8c8, 0xffffff, 0xff0000, 0x00c000, 0x2020ff};
        Path f = dir.resolve("flat.mp4");
        try (Mp4Writer w = new Mp4Writer(f, 25)) {
            for (int c : colours) {
                w.add(flat(c));
            }
            assertEquals(colours.length, w.frames());
        }
        try (VideoFrames v = VideoFrames.open(f)) {
            assertEquals(colours.length, v.totalFrames());
            for (int c : colours) {
                BufferedImage b = v.next();
                assertEquals(64, b.getWidth());
                assertEquals(48, b.getHeight());
                int got = b.getRGB(32, 24);
                for (int shift : new int[] {16, 8, 0}) {
                    int want = c >> shift & 0xff;
                    int back = got >> shift & 0xff;
                    // gray levels come back within 3 here; colours within 10 (chroma is quantized more coarsely)
                    assertTrue(Math.abs(want - back) <= ((c >> 16 & 0xff) == (c & 0xff) && (c & 0xff) == (c >> 8 & 0xff) ? 3 : 10), String.format("colour %06x came back as %06x", c, got & 0xffffff));
                }
            }
            assertNull(v.next(), "no frame after the last");
        }
    }

    @Test
    void framesOfAnotherSizeOrOddSidesAndBadRatesAreRefused() throws IOException {
        try (Mp4Writer w = new Mp4Writer(dir.resolve("a.mp4"), 30)) {
            w.add(flat(0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.add(new BufferedImage(32, 48, BufferedImage.TYPE_INT_RGB)));
            assertTrue(e.getMessage().contains("32 x 48") && e.getMessage().contains("64 x 48"), e.getMessage());
        }
        try (Mp4Writer w = new Mp4Writer(dir.resolve("b.mp4"), 30)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.add(new BufferedImage(33, 48, BufferedImage.TYPE_INT_RGB)));
            assertTrue(e.getMessage().contains("even"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Mp4Writer(dir.resolve("c.mp4"), 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void aFileThatIsNoVideoIsRefusedByName() throws IOException {
        Path f = dir.resolve("not-a-video.mp4");
        Files.writeString(f, "hello");
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> VideoFrames.open(f));
        assertTrue(e.getMessage().contains("not-a-video.mp4"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> VideoFrames.open(dir.resolve("missing.mp4")));
    }
}
