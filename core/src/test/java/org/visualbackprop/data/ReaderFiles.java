package org.visualbackprop.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small picture files for the reader tests. */
final class ReaderFiles {
    private ReaderFiles() {
    }

    /** A binary PPM (P6, maxval 255) of {@code w x h} pixels whose colour is {@code rgb.colour(x, y)}. */
    static void writePpm(Path file, int w, int h, Colour rgb) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("P6\n# test picture\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = rgb.colour(x, y);
                out.write(c >> 16 & 0xff);
                out.write(c >> 8 & 0xff);
                out.write(c & 0xff);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out.toByteArray());
    }

    /** An 8-bit gray PNG whose value at {@code (x, y)} is {@code gray.colour(x, y) & 0xff}. */
    static void writeGrayPng(Path file, int w, int h, Colour gray) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, gray.colour(x, y) & 0xff);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    /** Colour of a pixel as 0xRRGGBB (or a gray value). */
    interface Colour {
        int colour(int x, int y);
    }
}
