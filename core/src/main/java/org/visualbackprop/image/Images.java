package org.visualbackprop.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Limits;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Image files to tensors and back. Pixel values are scaled to [0, 1] as {@code value / 255}, as Torch's
 * {@code image.load} does. Gray images give one channel, colour images three (R, G, B); a colour image asked for as
 * gray is converted with the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), and a gray one asked for as colour
 * repeats its channel.
 */
public final class Images {
    private Images() {
    }

    /** How to bring an image to a network's input size. */
    public enum Fit {
        /** Refuse an image of another size. */
        EXACT,
        /** Scale to the target size (aspect ratio not kept), bilinear. */
        RESIZE,
        /** Scale so the image covers the target, keeping the aspect ratio, then crop the centre. */
        COVER,
        /** Crop the bottom-centre part of the target size (road frames: keep the road); scale down first if needed. */
        CROP_BOTTOM;

        public static Fit parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fit '" + s + "': expected exact, resize, cover or crop-bottom");
            }
        }
    }

    private static volatile boolean pluginsScanned;

    /**
     * Reads an image file through ImageIO: PNG, JPEG, BMP, GIF, and PPM/PGM (P5, P6) through the TwelveMonkeys PNM
     * plugin. The size is read from the file's header first, and an image of more pixels than
     * {@link Limits.Limit#IMAGE_PIXELS} is refused before it is decoded. A file the decoder can only read in part (a
     * JPEG cut short, whose missing rows the decoder would fill with grey, or a damaged one) is refused with the
     * decoder's words, never returned with made-up pixels.
     *
     * @throws java.nio.file.NoSuchFileException when the file is missing
     * @throws CorruptFileException   when no reader takes it, or it is damaged or truncated
     * @throws LimitExceededException when it has more pixels than {@link Limits.Limit#IMAGE_PIXELS}
     */
    public static BufferedImage read(Path file) throws IOException {
        if (!pluginsScanned) {
            // register plugins on the class path even when ImageIO was first used from another class loader
            ImageIO.scanForPlugins();
            pluginsScanned = true;
        }
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "image file not found");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new CorruptFileException(file + ": cannot be opened as an image");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new CorruptFileException(file + ": not an image this program reads (expected PNG, JPEG, BMP, GIF or PPM/PGM)");
            }
            ImageReader reader = readers.next();
            String format = format(reader);
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new CorruptFileException(file + ": the " + format + " header says the image is " + w + " x " + h
                            + " (width x height); expected positive sizes");
                }
                Limits.check(Limits.Limit.IMAGE_PIXELS, (long) w * h, file.toString(), "the " + format + " image (" + w + " x "
                        + h + ", width x height, as its header says)");
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new CorruptFileException(file + ": damaged or truncated " + format + " image: the decoder says '"
                            + String.join("'; '", warnings) + "' (it would fill what is missing with made-up pixels)");
                }
                if (img == null || img.getWidth() != w || img.getHeight() != h) {
                    throw new CorruptFileException(file + ": the " + format + " decoder gave " + (img == null ? "no image"
                            : img.getWidth() + " x " + img.getHeight()) + " where the header says " + w + " x " + h);
                }
                return img;
            } catch (CorruptFileException | LimitExceededException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new CorruptFileException(file + ": unreadable " + format + " image ("
                        + (e.getMessage() == null ? e.toString() : e.getMessage()) + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    /**
     * Reads an image into a {@code 1 x channels x height x width} tensor with values in [0, 1], fitted to
     * {@code height x width}.
     *
     * @throws ShapeException when {@code fit} is EXACT and the size differs (the message gives both sizes)
     */
    public static Tensor load(Path file, int channels, int height, int width, Fit fit) throws IOException {
        BufferedImage img = read(file);
        try {
            return toTensor(fitTo(img, height, width, fit), channels);
        } catch (ShapeException e) {
            throw new ShapeException(file + ": " + e.getMessage());
        }
    }

    /** Brings an image to {@code height x width}. */
    public static BufferedImage fitTo(BufferedImage img, int height, int width, Fit fit) {
        int h = img.getHeight();
        int w = img.getWidth();
        if (h == height && w == width) {
            return img;
        }
        switch (fit) {
            case EXACT:
                throw new ShapeException("image is " + w + " x " + h + " (width x height), the network needs "
                        + width + " x " + height + "; choose another fit (resize, cover, crop-bottom)");
            case RESIZE:
                return scale(img, width, height);
            case COVER: {
                double f = Math.max((double) width / w, (double) height / h);
                BufferedImage s = scale(img, Math.max(width, (int) Math.ceil(w * f)), Math.max(height, (int) Math.ceil(h * f)));
                return s.getSubimage((s.getWidth() - width) / 2, (s.getHeight() - height) / 2, width, height);
            }
            case CROP_BOTTOM: {
                BufferedImage s = img;
                if (w < width || h < height) {
                    double f = Math.max((double) width / w, (double) height / h);
                    s = scale(img, Math.max(width, (int) Math.ceil(w * f)), Math.max(height, (int) Math.ceil(h * f)));
                }
                return s.getSubimage((s.getWidth() - width) / 2, s.getHeight() - height, width, height);
            }
            default:
                throw new IllegalStateException();
        }
    }

    /** Bilinear scaling. */
    public static BufferedImage scale(BufferedImage img, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, img.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** True when the image has no colour (a gray colour model). */
    public static boolean isGray(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1;
    }

    /** An image as a {@code 1 x channels x h x w} tensor in [0, 1]; {@code channels} is 1 (gray) or 3 (RGB). */
    public static Tensor toTensor(BufferedImage img, int channels) {
        if (channels != 1 && channels != 3) {
            throw new ShapeException("images give 1 (gray) or 3 (RGB) channels, not " + channels);
        }
        return Tensor.wrap(new Shape(1, channels, img.getHeight(), img.getWidth()), planes(img, channels));
    }

    /**
     * The picture as {@code channels} (1: gray, 3: R, G, B) planes of {@code height x width} values in [0, 1]. Gray
     * pictures are read from their raster (not through {@code getRGB}, which would convert their linear gray to sRGB);
     * samples of more than 8 bits are scaled by their maximum. Colour to gray uses the BT.601 luma weights.
     */
    public static float[] planes(BufferedImage img, int channels) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        float[] out = new float[channels * plane];
        java.awt.image.Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && isGray(img)) {
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] row = new float[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                }
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            float r = (p >> 16 & 0xff) / 255f;
            float g = (p >> 8 & 0xff) / 255f;
            float b = (p & 0xff) / 255f;
            if (channels == 1) {
                out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                out[i] = r;
                out[plane + i] = g;
                out[2 * plane + i] = b;
            }
        }
        return out;
    }

    /**
     * Sample {@code n} of a tensor as an image: one channel gives gray, three give RGB; values are clamped to
     * [0, 1] and scaled by 255.
     */
    public static BufferedImage toImage(Tensor t, int n) {
        Shape s = t.shape();
        if (s.c() != 1 && s.c() != 3) {
            throw new ShapeException("only 1- or 3-channel tensors make images, got " + s);
        }
        BufferedImage img = new BufferedImage(s.w(), s.h(), s.c() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s.h(); y++) {
            for (int x = 0; x < s.w(); x++) {
                if (s.c() == 1) {
                    img.getRaster().setSample(x, y, 0, byteOf(t.get(n, 0, y, x)));
                } else {
                    img.setRGB(x, y, byteOf(t.get(n, 0, y, x)) << 16 | byteOf(t.get(n, 1, y, x)) << 8 | byteOf(t.get(n, 2, y, x)));
                }
            }
        }
        return img;
    }

    /** A value in [0, 1] (clamped) as a byte 0..255, rounded. */
    public static int byteOf(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }

    /** Writes a PNG file, creating parent folders. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
