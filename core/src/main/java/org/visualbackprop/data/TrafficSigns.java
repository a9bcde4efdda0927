package org.visualbackprop.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Dataset;

/**
 * Synthetic traffic signs of the 43 {@link SignClass}es: a stand-in for GTSDB/GTSRB (the paper's supplement), which
 * cannot be downloaded here. Input {@code 1 x 3 x 125 x 125} (R, G, B in [0, 1], steps of 1/255), target
 * {@code 1 x 1 x 1 x 1} holding the class id (what {@link org.visualbackprop.train.Loss#nll()} reads).
 *
 * <p>Sample {@code i} shows class {@code i mod 43}, so every 43 consecutive samples hold each class once (exactly
 * balanced; GTSRB itself is not). Each sample varies, drawn from {@code (seed, i)}: the background (sky, foliage,
 * walls, random colours, all textured), the sign's size (45% to 90% of the picture), position, rotation (up to 12
 * degrees), horizontal squeeze and shear (seen from the side), a pole, light on the sign (brightness, gradient,
 * colour cast, faded paint), and the camera's exposure, gamma, blur and noise. The {@link SignSample#mask() mask}
 * marks the sign's face (its outline, rim included; the pole excluded).
 *
 * <p>Deterministic and safe to load from several threads.
 */
public final class TrafficSigns implements Dataset {
    /** Side of the pictures, pixels. */
    public static final int SIZE = 125;
    /** Seed of the default data set. */
    public static final long DEFAULT_SEED = 2017L;

    private final long seed;
    private final int size;

    private TrafficSigns(long seed, int size) {
        this.seed = seed;
        this.size = size;
    }

    /**
     * {@code size} samples from stream {@code seed}.
     *
     * @throws IllegalArgumentException when {@code size < 1}
     */
    public static TrafficSigns of(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a data set needs at least one sample, got size " + size);
        }
        return new TrafficSigns(seed, size);
    }

    /** A sample: the picture, the mask of the sign and its class. */
    public record SignSample(SignClass signClass, Tensor image, Tensor mask) {
        public SignSample {
            Objects.requireNonNull(signClass, "signClass");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(mask, "mask");
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, 3, SIZE, SIZE);
    }

    @Override
    public Shape targetShape() {
        return new Shape(1, 1, 1, 1);
    }

    /** The class of sample {@code index}: {@code index mod 43}. */
    public SignClass signClass(int index) {
        Objects.checkIndex(index, size);
        return SignClass.of(index % SignClass.COUNT);
    }

    @Override
    public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
        SignClass c = signClass(index);
        render(c, seed, index, input, inputOffset, null);
        target[targetOffset] = c.id();
    }

    /** Sample {@code index} with its mask. */
    public SignSample sample(int index) {
        return render(signClass(index), seed, index);
    }

    @Override
    public String describe() {
        return "synthetic traffic signs (seed " + seed + ", " + size + " samples, 43 GTSRB classes, 3 x 125 x 125)";
    }

    /** A picture of sign {@code c}, varied as draw {@code index} of stream {@code seed} says. */
    public static SignSample render(SignClass c, long seed, long index) {
        Objects.requireNonNull(c, "c");
        float[] img = new float[3 * SIZE * SIZE];
        float[] mask = new float[SIZE * SIZE];
        render(c, seed, index, img, 0, mask);
        return new SignSample(c, Tensor.wrap(new Shape(1, 3, SIZE, SIZE), img), Tensor.wrap(new Shape(1, 1, SIZE, SIZE), mask));
    }

    private static void render(SignClass c, long seed, long index, float[] out, int off, float[] maskOut) {
        SplittableRandom rnd = new SplittableRandom(Noise.mix(Noise.mix(seed, index), 0x516eL + c.ordinal()));
        int n = SIZE;
        int plane = n * n;
        float[] bg = new float[3 * plane];
        background(rnd, bg);

        // geometry of the sign
        double diameter = n * rnd.nextDouble(0.45, 0.9);
        double slack = (n - diameter) / 2;
        double cx = n / 2.0 + rnd.nextDouble(-1, 1) * slack * 0.8;
        double cy = n / 2.0 + rnd.nextDouble(-1, 1) * slack * 0.8;
        double rotation = Math.toRadians(rnd.nextDouble(-12, 12));
        double squeeze = rnd.nextDouble() < 0.6 ? rnd.nextDouble(0.78, 1.0) : 1.0;
        double shear = rnd.nextDouble(-0.08, 0.08);
        AffineTransform t = new AffineTransform();
        t.translate(cx, cy);
        t.rotate(rotation);
        t.shear(shear, 0);
        t.scale(diameter / 2 * squeeze, diameter / 2);

        BufferedImage layer = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = layer.createGraphics();
        hints(g);
        if (rnd.nextDouble() < 0.4) {
            double pw = Math.max(2, diameter * rnd.nextDouble(0.05, 0.09));
            int gray = 90 + rnd.nextInt(90);
            g.setColor(new Color(gray, gray, gray));
            AffineTransform pole = new AffineTransform();
            pole.translate(cx, cy);
            pole.rotate(rotation);
            g.fill(pole.createTransformedShape(new Rectangle2D.Double(-pw / 2, 0, pw, 2 * n)));
        }
        g.setTransform(t);
        SignPainter.paint(g, c);
        g.dispose();

        BufferedImage maskImg = new BufferedImage(n, n, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D gm = maskImg.createGraphics();
        hints(gm);
        gm.setTransform(t);
        gm.setColor(Color.WHITE);
        gm.fill(SignPainter.silhouette(c));
        gm.dispose();

        // light on the sign
        double gain = rnd.nextDouble(0.45, 1.25);
        double gx = rnd.nextDouble(-0.5, 0.5);
        double gy = rnd.nextDouble(-0.5, 0.5);
        double[] tint = {rnd.nextDouble(0.88, 1.12), rnd.nextDouble(0.9, 1.1), rnd.nextDouble(0.85, 1.15)};
        double fade = rnd.nextDouble() < 0.5 ? rnd.nextDouble(0, 0.4) : 0;
        int[] argb = layer.getRGB(0, 0, n, n, null, 0, n);
        float[] img = new float[3 * plane];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int i = y * n + x;
                int p = argb[i];
                double a = (p >>> 24) / 255.0;
                double[] col = {(p >> 16 & 0xff) / 255.0, (p >> 8 & 0xff) / 255.0, (p & 0xff) / 255.0};
                double light = gain * (1 + gx * (x - cx) / diameter + gy * (y - cy) / diameter);
                double grayv = (col[0] + col[1] + col[2]) / 3;
                for (int ch = 0; ch < 3; ch++) {
                    double v = col[ch] + (grayv - col[ch]) * fade;
                    v *= light * tint[ch];
                    img[ch * plane + i] = (float) (bg[ch * plane + i] * (1 - a) + v * a);
                }
            }
        }

        // camera: blur, exposure, gamma, colour cast, noise
        if (rnd.nextDouble() < 0.5) {
            int radius = rnd.nextDouble() < 0.7 ? 1 : 2;
            for (int ch = 0; ch < 3; ch++) {
                boxBlur(img, ch * plane, n, radius);
            }
        }
        double exposure = rnd.nextDouble(0.55, 1.3);
        double gamma = rnd.nextDouble(0.7, 1.4);
        double[] cast = {rnd.nextDouble(0.92, 1.08), rnd.nextDouble(0.92, 1.08), rnd.nextDouble(0.92, 1.08)};
        double noise = rnd.nextDouble(0.004, 0.04);
        long noiseSeed = rnd.nextLong();
        for (int ch = 0; ch < 3; ch++) {
            for (int i = 0; i < plane; i++) {
                double v = img[ch * plane + i] * exposure * cast[ch];
                v = v > 0 ? Math.pow(v, gamma) : 0;
                v += noise * Noise.gauss(Noise.mix(noiseSeed, ch * (long) plane + i), 0);
                v = Math.max(0, Math.min(1, v));
                out[off + ch * plane + i] = Math.round(v * 255) / 255f;
            }
        }
        if (maskOut != null) {
            byte[] m = ((java.awt.image.DataBufferByte) maskImg.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < plane; i++) {
                maskOut[i] = (m[i] & 0xff) >= 128 ? 1f : 0f;
            }
        }
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    /** Textured backgrounds: sky, foliage, a wall, or random colours. */
    private static void background(SplittableRandom rnd, float[] bg) {
        int n = SIZE;
        int plane = n * n;
        int kind = rnd.nextInt(4);
        double[] c1 = randomColour(rnd, kind);
        double[] c2 = randomColour(rnd, kind == 0 ? 1 : kind);
        double scale = rnd.nextDouble(3, 14);
        double ox = rnd.nextDouble(Noise.SIZE);
        double oy = rnd.nextDouble(Noise.SIZE);
        double fine = rnd.nextDouble(0.02, 0.12);
        double split = rnd.nextDouble(0.3, 0.8) * n;
        double brickH = rnd.nextDouble(6, 14);
        double brickW = brickH * rnd.nextDouble(1.5, 3);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int i = y * n + x;
                double t;
                double detail = Noise.sample(x / 1.5 + ox * 3, y / 1.5 + oy * 3) * fine;
                switch (kind) {
                    case 0 -> {
                        // sky above, foliage or buildings below a wavy line
                        double edge = split + 10 * Noise.sample(x / scale + ox, oy);
                        t = y > edge ? 1 : (y / (double) n) * 0.3;
                        if (y <= edge) {
                            detail *= 0.3;
                        }
                    }
                    case 1 -> t = 0.5 + 0.35 * Noise.sample(x / scale + ox, y / scale + oy);
                    case 2 -> {
                        double row = Math.floor(y / brickH);
                        double bx = (x + (row % 2) * brickW / 2) % brickW;
                        double by = y % brickH;
                        boolean mortar = bx < 1.2 || by < 1.2;
                        t = mortar ? 1 : 0.15 * (Noise.sample(row * 7.3 + ox, Math.floor((x + (row % 2) * brickW / 2) / brickW) * 5.1 + oy) + 1);
                    }
                    default -> t = Noise.sample(x / scale + ox, y / scale + oy) > 0 ? 0.85 : 0.15;
                }
                t = Math.max(0, Math.min(1, t));
                for (int ch = 0; ch < 3; ch++) {
                    double v = c1[ch] * (1 - t) + c2[ch] * t;
                    bg[ch * plane + i] = (float) Math.max(0, v * (1 + detail * 2));
                }
            }
        }
    }

    private static double[] randomColour(SplittableRandom rnd, int kind) {
        return switch (kind) {
            case 0 -> {
                double b = rnd.nextDouble(0.5, 0.95);
                yield new double[] {b * rnd.nextDouble(0.6, 0.95), b * rnd.nextDouble(0.75, 1.0), b};
            }
            case 1 -> {
                double b = rnd.nextDouble(0.1, 0.5);
                yield new double[] {b * rnd.nextDouble(0.5, 1.0), b * rnd.nextDouble(0.9, 1.3), b * rnd.nextDouble(0.3, 0.8)};
            }
            case 2 -> {
                double b = rnd.nextDouble(0.2, 0.8);
                yield new double[] {b * rnd.nextDouble(0.7, 1.1), b * rnd.nextDouble(0.6, 0.95), b * rnd.nextDouble(0.5, 0.9)};
            }
            default -> new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
        };
    }

    /** In-place box blur of one channel (horizontal then vertical), edges clamped. */
    private static void boxBlur(float[] a, int off, int n, int r) {
        float[] tmp = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                float s = 0;
                for (int k = -r; k <= r; k++) {
                    s += a[off + y * n + Math.max(0, Math.min(n - 1, x + k))];
                }
                tmp[y * n + x] = s / (2 * r + 1);
            }
        }
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                float s = 0;
                for (int k = -r; k <= r; k++) {
                    s += tmp[Math.max(0, Math.min(n - 1, y + k)) * n + x];
                }
                a[off + y * n + x] = s / (2 * r + 1);
            }
        }
    }
}
