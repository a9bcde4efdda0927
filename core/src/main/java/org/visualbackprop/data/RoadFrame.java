package org.visualbackprop.data;

import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.Objects;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * A rendered road frame: the gray image a network sees, its per-pixel {@link Label} map at the same resolution, and
 * the scene it shows (whose {@link RoadScene#steeringDegrees()} is the label).
 */
public final class RoadFrame {
    private final RoadScene scene;
    private final RoadView view;
    private final Tensor image;
    private final byte[] labels;

    RoadFrame(RoadScene scene, RoadView view, Tensor image, byte[] labels) {
        this.scene = scene;
        this.view = view;
        this.image = image;
        this.labels = labels;
    }

    /** The scene this frame shows. */
    public RoadScene scene() {
        return scene;
    }

    /** The view it was rendered for. */
    public RoadView view() {
        return view;
    }

    /** The image, {@code 1 x 1 x height x width}, values in [0, 1]. Owned by this frame: copy it before changing it. */
    public Tensor image() {
        return image;
    }

    /** Rows. */
    public int height() {
        return view.height();
    }

    /** Columns. */
    public int width() {
        return view.width();
    }

    /** The steering label, degrees of steering-wheel angle, positive to the left. */
    public double steeringDegrees() {
        return scene.steeringDegrees();
    }

    /** The label of pixel {@code (y, x)}. */
    public Label label(int y, int x) {
        Objects.checkIndex(y, height());
        Objects.checkIndex(x, width());
        return Label.of(labels[y * width() + x]);
    }

    /** The label map as {@link Label#ordinal()} codes, row-major (a copy). */
    public byte[] labelCodes() {
        return labels.clone();
    }

    /** Number of pixels labelled {@code label}. */
    public int count(Label label) {
        int n = 0;
        byte code = (byte) label.ordinal();
        for (byte b : labels) {
            if (b == code) {
                n++;
            }
        }
        return n;
    }

    /** A {@code 1 x 1 x height x width} mask: 1 where the pixel's label is one of {@code wanted}, else 0. */
    public Tensor mask(Label first, Label... more) {
        EnumSet<Label> wanted = EnumSet.of(first, more);
        boolean[] hit = new boolean[Label.values().length];
        for (Label l : wanted) {
            hit[l.ordinal()] = true;
        }
        Tensor m = Tensor.zeros(new Shape(1, 1, height(), width()));
        float[] d = m.data();
        for (int i = 0; i < labels.length; i++) {
            if (hit[labels[i]]) {
                d[i] = 1f;
            }
        }
        return m;
    }

    /** The image as an 8-bit gray picture. */
    public BufferedImage toImage() {
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_BYTE_GRAY);
        float[] d = image.data();
        for (int y = 0; y < height(); y++) {
            for (int x = 0; x < width(); x++) {
                img.getRaster().setSample(x, y, 0, Math.round(d[y * width() + x] * 255f));
            }
        }
        return img;
    }

    /**
     * The label map in colour ({@link Label#rgb()}), blended with the image by {@code imageWeight} in [0, 1]
     * (0 gives flat colours).
     */
    public BufferedImage labelImage(double imageWeight) {
        if (!(imageWeight >= 0 && imageWeight <= 1)) {
            throw new IllegalArgumentException("imageWeight must be in [0, 1], got " + imageWeight);
        }
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        float[] d = image.data();
        for (int i = 0; i < labels.length; i++) {
            int rgb = Label.of(labels[i]).rgb();
            double g = d[i] * 255 * imageWeight;
            int r = (int) Math.round((rgb >> 16 & 0xff) * (1 - imageWeight) + g);
            int gr = (int) Math.round((rgb >> 8 & 0xff) * (1 - imageWeight) + g);
            int b = (int) Math.round((rgb & 0xff) * (1 - imageWeight) + g);
            img.setRGB(i % width(), i / width(), r << 16 | gr << 8 | b);
        }
        return img;
    }
}
