package org.visualbackprop.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.Tolerances;

/** Image files to tensors (values / 255) and back, the fit modes, and files that are not images. */
class ImagesTest {
    @TempDir
    Path dir;

    /** A tensor whose every value is some byte / 255. */
    private static Tensor bytes(Shape s, SplittableRandom r) {
        Tensor t = Tensor.zeros(s);
        for (int i = 0; i < s.size(); i++) {
            t.data()[i] = r.nextInt(256) / 255f;
        }
        return t;
    }

    @Test
    void grayPngRoundTripsExactly() throws IOException {
        Tensor t = bytes(new Shape(1, 1, 7, 13), new SplittableRandom(71));
        t.data()[0] = 0f;
        t.data()[1] = 1f;
        Path f = dir.resolve("a/gray.png");
        Images.writePng(Images.toImage(t, 0), f);
        assertTrue(Images.isGray(Images.read(f)));
        Tensor back = Images.load(f, 1, 7, 13, Images.Fit.EXACT);
        NumericAssert.assertBitIdentical(t.data(), back.data(), "gray values / 255");
        // as colour: the gray channel three times
        Tensor rgb = Images.load(f, 3, 7, 13, Images.Fit.EXACT);
        for (int c = 0; c < 3; c++) {
            NumericAssert.assertBitIdentical(t.data(), Arrays.copyOfRange(rgb.data(), c * 91, (c + 1) * 91), "channel " + c);
        }
    }

    @Test
    void rgbPngRoundTripsExactlyAndTurnsGrayWithTheBt601Weights() throws IOException {
        Tensor t = bytes(new Shape(1, 3, 5, 9), new SplittableRandom(72));
        Path f = dir.resolve("rgb.png");
        Images.writePng(Images.toImage(t, 0), f);
        assertTrue(!Images.isGray(Images.read(f)));
        NumericAssert.assertBitIdentical(t.data(), Images.load(f, 3, 5, 9, Images.Fit.EXACT).data(), "RGB values / 255");
        Tensor gray = Images.load(f, 1, 5, 9, Images.Fit.EXACT);
        double[] want = new double[45];
        for (int i = 0; i < 45; i++) {
            want[i] = 0.299 * t.data()[i] + 0.587 * t.data()[45 + i] + 0.114 * t.data()[90 + i];
        }
        NumericAssert.assertClose(want, gray.data(), Tolerances.F32, "luma");
    }

    @Test
    void sixteenBitGrayIsScaledToTheUnitInterval() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        int[] v = {0, 1, 257, 32768, 65534, 65535};
        for (int i = 0; i < 6; i++) {
            img.getRaster().setSample(i % 3, i / 3, 0, v[i]);
        }
        Path f = dir.resolve("deep.png");
        assertTrue(ImageIO.write(img, "png", f.toFile()));
        Tensor t = Images.load(f, 1, 2, 3, Images.Fit.EXACT);
        double[] want = Arrays.stream(v).mapToDouble(x -> x / 65535.0).toArray();
        NumericAssert.assertClose(want, t.data(), Tolerances.F32, "16-bit gray");
    }

    @Test
    void fitModesGiveTheTargetSize() {
        BufferedImage wide = Images.toImage(bytes(new Shape(1, 1, 20, 40), new SplittableRandom(73)), 0);
        for (Images.Fit fit : new Images.Fit[] {Images.Fit.RESIZE, Images.Fit.COVER, Images.Fit.CROP_BOTTOM}) {
            for (int[] target : new int[][] {{10, 10}, {30, 50}, {20, 40}, {5, 39}, {125, 640}}) {
                BufferedImage out = Images.fitTo(wide, target[0], target[1], fit);
                assertEquals(target[0], out.getHeight(), fit + " height for " + Arrays.toString(target));
                assertEquals(target[1], out.getWidth(), fit + " width for " + Arrays.toString(target));
                assertEquals(new Shape(1, 1, target[0], target[1]), Images.toTensor(out, 1).shape());
            }
        }
        ShapeException e = assertThrows(ShapeException.class, () -> Images.fitTo(wide, 10, 10, Images.Fit.EXACT));
        assertTrue(e.getMessage().contains("40 x 20") && e.getMessage().contains("10 x 10"), e.getMessage());
        assertEquals(Images.Fit.CROP_BOTTOM, Images.Fit.parse("crop-bottom"));
        assertThrows(IllegalArgumentException.class, () -> Images.Fit.parse("stretch"));
    }

    @Test
    void cropBottomKeepsTheBottomCentreUnscaled() {
        Tensor t = bytes(new Shape(1, 1, 20, 40), new SplittableRandom(74));
        BufferedImage crop = Images.fitTo(Images.toImage(t, 0), 8, 30, Images.Fit.CROP_BOTTOM);
        Tensor c = Images.toTensor(crop, 1);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 30; x++) {
                assertEquals(t.get(0, 0, 12 + y, 5 + x), c.get(0, 0, y, x), "pixel " + y + ", " + x);
            }
        }
    }

    @Test
    void coverCropsTheCentreOfTheScaledImage() {
        // left half black, right half white, scaled to cover 10 x 10: the centre crop is half black, half white
        Tensor t = Tensor.zeros(new Shape(1, 1, 20, 40));
        for (int y = 0; y < 20; y++) {
            for (int x = 20; x < 40; x++) {
                t.set(0, 0, y, x, 1f);
            }
        }
        Tensor c = Images.toTensor(Images.fitTo(Images.toImage(t, 0), 10, 10, Images.Fit.COVER), 1);
        assertEquals(0f, c.get(0, 0, 5, 0));
        assertEquals(1f, c.get(0, 0, 5, 9));
    }

    @Test
    void resizingAUniformImageKeepsItsValue() {
        for (int channels : new int[] {1, 3}) {
            Tensor t = Tensor.zeros(new Shape(1, channels, 12, 16));
            t.fillInPlace(100 / 255f);
            Tensor r = Images.toTensor(Images.fitTo(Images.toImage(t, 0), 30, 7, Images.Fit.RESIZE), channels);
            for (float v : r.data()) {
                assertEquals(100 / 255f, v, Tolerances.IMAGE_LEVEL, channels + " channel(s)");
            }
        }
    }

    @Test
    void filesThatAreNotImagesAreCorruptFileExceptionsNamingTheFile() throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image", StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        Path good = dir.resolve("good.png");
        Images.writePng(Images.toImage(bytes(new Shape(1, 3, 40, 40), new SplittableRandom(75)), 0), good);
        byte[] png = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(png, png.length / 2));
        for (Path f : new Path[] {text, empty, cut}) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Images.load(f, 3, 40, 40, Images.Fit.EXACT), f.toString());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("absent.png")));
        ShapeException size = assertThrows(ShapeException.class, () -> Images.load(good, 3, 30, 40, Images.Fit.EXACT));
        assertTrue(size.getMessage().contains(good.toString()), size.getMessage());
    }

    @Test
    void onlyOneOrThreeChannelsMakeImages() {
        assertThrows(ShapeException.class, () -> Images.toImage(Tensor.zeros(new Shape(1, 2, 3, 3)), 0));
        assertThrows(ShapeException.class, () -> Images.toTensor(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), 2));
        assertEquals(0, Images.byteOf(Float.NaN));
        assertEquals(0, Images.byteOf(-3f));
        assertEquals(255, Images.byteOf(7f));
        assertEquals(128, Images.byteOf(0.5f));
    }

    @Test
    void aJpegCutShortIsRefusedNotFilledWithGrey() throws IOException {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(9);
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Path good = dir.resolve("good.jpg");
        assertTrue(ImageIO.write(img, "jpeg", good.toFile()));
        assertEquals(160, Images.read(good).getWidth());
        byte[] b = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(b, b.length * 4 / 10));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Images.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": damaged or truncated JPEG image"), e.getMessage());
        assertTrue(e.getMessage().contains("premature end") || e.getMessage().contains("Truncated"), e.getMessage());
    }

    @Test
    void anImageLargerThanThePixelLimitIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        // a PNG whose header says 30000 x 30000 (the case) and that holds no pixels: refused by its header alone
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeaderOnly(30000, 30000));
        org.visualbackprop.testing.HostileReads.Outcome o = org.visualbackprop.testing.HostileReads.read(huge, Images::read);
        assertTrue(o.thrown() instanceof org.visualbackprop.io.LimitExceededException, String.valueOf(o.thrown()));
        String m = o.thrown().getMessage();
        assertTrue(m.startsWith(huge + ": the PNG image (30000 x 30000") && m.contains("900,000,000 pixels")
                && m.contains("50,000,000") && m.contains("-Dvbp.max.image.pixels=N"), m);
        assertTrue(o.allocatedBytes() < 4 << 20, "allocated " + o.allocatedBytes());
        // a real picture over a lowered limit, then under the default
        Path real = dir.resolve("real.png");
        Images.writePng(new BufferedImage(1200, 900, BufferedImage.TYPE_BYTE_GRAY), real);
        System.setProperty("vbp.max.image.pixels", "1000000");
        try {
            assertThrows(org.visualbackprop.io.LimitExceededException.class, () -> Images.load(real, 1, 900, 1200, Images.Fit.EXACT));
        } finally {
            System.clearProperty("vbp.max.image.pixels");
        }
        assertEquals(1200, Images.read(real).getWidth());
    }

    /** The PNG signature, an IHDR chunk for an 8-bit gray image of {@code w x h}, and IEND: a header and no pixels. */
    private static byte[] pngHeaderOnly(int w, int h) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4 + 12);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.putInt(13).put(ihdr.array()).putInt(crc(ihdr.array()));
        byte[] iend = "IEND".getBytes(StandardCharsets.US_ASCII);
        out.putInt(0).put(iend).putInt(crc(iend));
        return out.array();
    }

    private static int crc(byte[] b) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(b);
        return (int) c.getValue();
    }
}
