package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.Npy;

/** The inputs of a folder: unique stems, names that cannot break a CSV row, arrays with samples. */
class InputsTest {
    @TempDir
    Path dir;

    private void png(String name) throws IOException {
        Images.writePng(new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY), dir.resolve(name));
    }

    private static List<String> stems(List<Inputs.Item> items) {
        return items.stream().map(Inputs.Item::stem).toList();
    }

    @Test
    void inputsThatWouldShareAStemKeepTheirExtensions() throws IOException {
        png("a.png");
        Files.copy(dir.resolve("a.png"), dir.resolve("a.jpg"));
        png("b.png");
        png("B.gif");
        png("c.png");
        Npy.write(dir.resolve("d.npy"), new int[] {2, 1, 3, 4}, new float[24]);
        png("d_0.png");
        assertEquals(List.of("B.gif", "a.jpg", "a.png", "b.png", "c", "d_0", "d_1", "d_0-2"), stems(Inputs.list(dir)));
    }

    @Test
    void aFileNameWithALineBreakIsRefusedByName() throws IOException {
        png("ok.png");
        Path bad;
        try {
            bad = Files.copy(dir.resolve("ok.png"), dir.resolve("two\nlines.png"));
        } catch (java.nio.file.InvalidPathException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("this file system has no line breaks in names: " + e);
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inputs.list(dir));
        assertTrue(e.getMessage().contains("'two\\u000alines.png' has a control character (U+000A); rename it"), e.getMessage());
        assertTrue(Files.exists(bad));
    }

    @Test
    void anArrayWithoutSamplesIsRefused() throws IOException {
        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, new int[] {0, 1, 32, 64}, new float[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inputs.list(empty));
        assertEquals(empty + ": the array of shape [0, 1, 32, 64] holds no samples (expected C x H x W, or N x C x H x W with N >= 1)",
                e.getMessage());
    }
}
