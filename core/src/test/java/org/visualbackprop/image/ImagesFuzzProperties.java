package org.visualbackprop.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Limits;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/**
 * Damaged pictures through the image loader ({@link Images#read}): PNG (gray, RGB, 16-bit), JPEG (gray, RGB), and BMP,
 * GIF and PPM. A picture comes back whole, within the pixel limit, or the file is refused by name
 * ({@link CorruptFileException}, {@link LimitExceededException} for a header that claims too many pixels).
 */
class ImagesFuzzProperties {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = HostileReads.begin("image-fuzz");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        HostileReads.end(dir);
    }

    private static void check(Mutant m, String name) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, name, Images::read,
                img -> img.getWidth() > 0 && img.getHeight() > 0
                        && (long) img.getWidth() * img.getHeight() <= Limits.Limit.IMAGE_PIXELS.value(),
                HostileReads.DEFAULT_MAX_BYTES, CorruptFileException.class, LimitExceededException.class));
    }

    @FuzzProperty
    void damagedPngsAreReadWholeOrRefusedByName(@ForAll("pngs") Mutant m) throws Exception {
        check(m, "mutant.png");
    }

    @FuzzProperty
    void damagedJpegsAreReadWholeOrRefusedByName(@ForAll("jpegs") Mutant m) throws Exception {
        check(m, "mutant.jpg");
    }

    @FuzzProperty
    void damagedBmpGifAndPpmFilesAreReadWholeOrRefusedByName(@ForAll("others") Mutant m) throws Exception {
        check(m, "mutant.img");
    }

    @Provide
    Arbitrary<Mutant> pngs() throws IOException {
        return Mutations.ofAny(List.of(encode(picture(BufferedImage.TYPE_BYTE_GRAY, 19, 13), "png"),
                encode(picture(BufferedImage.TYPE_INT_RGB, 24, 17), "png"), encode(picture(BufferedImage.TYPE_USHORT_GRAY, 9, 11), "png")));
    }

    @Provide
    Arbitrary<Mutant> jpegs() throws IOException {
        return Mutations.ofAny(List.of(encode(picture(BufferedImage.TYPE_BYTE_GRAY, 40, 24), "jpeg"),
                encode(picture(BufferedImage.TYPE_INT_RGB, 33, 17), "jpeg")));
    }

    @Provide
    Arbitrary<Mutant> others() throws IOException {
        StringBuilder ppm = new StringBuilder("P6\n# fuzz\n5 4\n255\n");
        byte[] head = ppm.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] pixels = new byte[5 * 4 * 3];
        new SplittableRandom(5).nextBytes(pixels);
        byte[] p6 = java.util.Arrays.copyOf(head, head.length + pixels.length);
        System.arraycopy(pixels, 0, p6, head.length, pixels.length);
        return Mutations.ofAny(List.of(encode(picture(BufferedImage.TYPE_INT_RGB, 14, 9), "bmp"),
                encode(picture(BufferedImage.TYPE_BYTE_INDEXED, 16, 12), "gif"), p6));
    }

    /** A picture with a gradient and noise, so that the encoders have something to encode. */
    static BufferedImage picture(int type, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, type);
        SplittableRandom r = new SplittableRandom(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = (x * 255 / w + r.nextInt(30)) & 0xff;
                img.setRGB(x, y, g << 16 | (y * 255 / h) << 8 | r.nextInt(256));
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no " + format + " writer");
        }
        return out.toByteArray();
    }
}
