package org.visualbackprop.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;

/**
 * Augmentations that keep the label true:
 * <ul>
 * <li>{@link #brightness}: every pixel of a sample times one factor drawn uniformly from {@code [1 - d, 1 + d]},
 *     clipped to [0, 1] (a camera's exposure; no label depends on it);</li>
 * <li>{@link #flip}: a sample mirrored left to right with probability 1/2; for a steering target the target is
 *     negated (a mirrored road bends the other way and the lane centre lies on the other side: pure pursuit towards a
 *     mirrored point gives the negated curvature, see {@code RoadScene.mirrored}); for a class it is kept, which is
 *     honest only where the classes are mirror-symmetric (garments, not traffic signs with arrows or text);</li>
 * <li>{@link #shift}: a sample translated by whole pixels, each axis by an amount drawn uniformly from
 *     {@code [-max, max]}, edges repeated; for classifiers only (the class of a garment or a sign does not depend on
 *     where it sits; a steering label does: for roads shift the camera in the generator instead,
 *     {@code RoadScenes.lateralShift}).</li>
 * </ul>
 */
public final class Augmentations {
    private Augmentations() {
    }

    /** Nothing changed. */
    public static Augmentation none() {
        return new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
            }

            @Override
            public String describe() {
                return "none";
            }
        };
    }

    /** Per-sample brightness factor uniform in {@code [1 - maxChange, 1 + maxChange]}, values clipped to [0, 1]. */
    public static Augmentation brightness(double maxChange) {
        if (!(maxChange >= 0 && maxChange < 1)) {
            throw new IllegalArgumentException("the brightness change must lie in [0, 1), got " + maxChange);
        }
        return new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
                float[] x = batch.inputs().data();
                int size = batch.inputs().shape().sampleSize();
                for (int i = 0; i < batch.inputs().shape().n(); i++) {
                    float f = (float) (1 + maxChange * (2 * random.nextDouble() - 1));
                    for (int q = i * size; q < (i + 1) * size; q++) {
                        x[q] = Math.min(1f, Math.max(0f, x[q] * f));
                    }
                }
            }

            @Override
            public String describe() {
                return String.format(Locale.ROOT, "brightness(+-%s)", maxChange);
            }
        };
    }

    /**
     * Mirror left to right with probability 1/2; {@code negateTarget}: the target values of a mirrored sample are negated
     * (steering), otherwise kept (classes).
     */
    public static Augmentation flip(boolean negateTarget) {
        return new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
                Shape s = batch.inputs().shape();
                float[] x = batch.inputs().data();
                float[] t = batch.targets().data();
                int targetSize = batch.targets().shape().sampleSize();
                for (int i = 0; i < s.n(); i++) {
                    if (!random.nextBoolean()) {
                        continue;
                    }
                    mirror(x, i * s.sampleSize(), s.c() * s.h(), s.w());
                    if (negateTarget) {
                        for (int k = i * targetSize; k < (i + 1) * targetSize; k++) {
                            t[k] = -t[k];
                        }
                    }
                }
            }

            @Override
            public String describe() {
                return negateTarget ? "flip(p 0.5, target negated)" : "flip(p 0.5, class kept)";
            }
        };
    }

    /** Reverses each of {@code rows} rows of {@code width} values from {@code off}. Modified: {@code x}. */
    static void mirror(float[] x, int off, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int a = off + r * width;
            int b = a + width - 1;
            while (a < b) {
                float tmp = x[a];
                x[a++] = x[b];
                x[b--] = tmp;
            }
        }
    }

    /** Translation by up to {@code maxPixels} whole pixels along each axis, edges repeated; for classifiers. */
    public static Augmentation shift(int maxPixels) {
        if (maxPixels < 0) {
            throw new IllegalArgumentException("the shift must be >= 0 pixels, got " + maxPixels);
        }
        return new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
                Shape s = batch.inputs().shape();
                float[] x = batch.inputs().data();
                int h = s.h();
                int w = s.w();
                float[] plane = new float[h * w];
                for (int i = 0; i < s.n(); i++) {
                    int dy = random.nextInt(2 * maxPixels + 1) - maxPixels;
                    int dx = random.nextInt(2 * maxPixels + 1) - maxPixels;
                    if (dx == 0 && dy == 0) {
                        continue;
                    }
                    for (int c = 0; c < s.c(); c++) {
                        int off = (i * s.c() + c) * h * w;
                        System.arraycopy(x, off, plane, 0, h * w);
                        for (int y = 0; y < h; y++) {
                            int sy = Math.min(h - 1, Math.max(0, y - dy));
                            for (int xx = 0; xx < w; xx++) {
                                int sx = Math.min(w - 1, Math.max(0, xx - dx));
                                x[off + y * w + xx] = plane[sy * w + sx];
                            }
                        }
                    }
                }
            }

            @Override
            public String describe() {
                return "shift(+-" + maxPixels + " px, edges repeated)";
            }
        };
    }

    /** The augmentations applied in order. */
    public static Augmentation chain(List<Augmentation> parts) {
        List<Augmentation> list = List.copyOf(parts);
        if (list.isEmpty()) {
            return none();
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        return new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
                for (Augmentation a : list) {
                    a.apply(batch, indices, source, random);
                }
            }

            @Override
            public String describe() {
                List<String> d = new ArrayList<>();
                for (Augmentation a : list) {
                    d.add(a.describe());
                }
                return String.join(" + ", d);
            }
        };
    }
}
