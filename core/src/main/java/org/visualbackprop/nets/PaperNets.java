package org.visualbackprop.nets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * The paper's networks (Tables 1 and 2), built with freshly initialized weights from a seed.
 *
 * <p>Every conv layer is 3x3, unpadded, with strides 1, 2, 1, 2, ...; each is preceded by a BatchNorm and followed
 * by a ReLU; every fully connected layer but the last is followed by a ReLU. Weights are He-uniform, biases zero,
 * and the output layer's weights start at zero (the untrained network predicts 0). Input sizes (height x width) are the
 * ones the tables' layer sizes follow from, not the text's (see docs/paper-notes.md, section 2, and the README):
 * <ul>
 * <li>NetSVF: 1 x 125 x 640 (the text's "640x135" does not give the table's 123 x 638 ... 1 x 17);</li>
 * <li>NetHVF: 1 x 125 x 349 (its table's first row "32 x 123 x 349" must read 32 x 123 x 347 for the later rows
 *     173, 171, 85, ... to follow; the text's "349x173" fits neither);</li>
 * <li>SignNet: 3 x 125 x 125, ending in LogSoftmax over 43 classes.</li>
 * </ul>
 */
public final class PaperNets {
    /** Conv channels of NetSVF and NetHVF (Table 1). */
    public static final int[] DRIVING_CHANNELS = {32, 32, 48, 48, 64, 64, 96, 96, 128, 128};
    /** Hidden fully connected sizes of NetSVF and NetHVF (Table 1); the output is one steering value. */
    public static final int[] DRIVING_HIDDEN = {1024, 512};
    /** Conv channels of the traffic-sign network (Table 2). */
    public static final int[] SIGN_CHANNELS = {16, 16, 24, 24, 32, 32, 48, 48};
    /** Hidden fully connected sizes of the traffic-sign network (Table 2). */
    public static final int[] SIGN_HIDDEN = {64};
    /** Number of traffic-sign classes. */
    public static final int SIGN_CLASSES = 43;

    public static final Shape NETSVF_INPUT = new Shape(1, 1, 125, 640);
    public static final Shape NETHVF_INPUT = new Shape(1, 1, 125, 349);
    public static final Shape SIGNNET_INPUT = new Shape(1, 3, 125, 125);

    /** The known architectures by name, for the command line. */
    public enum Architecture {
        NETSVF, NETHVF, SIGNNET, SMALL;

        /** Lower-case name as the command line writes it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a name case-insensitively, listing the valid ones on failure. */
        public static Architecture parse(String s) {
            for (Architecture a : values()) {
                if (a.id().equalsIgnoreCase(s.trim())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown network '" + s + "': expected one of netsvf, nethvf, signnet, small");
        }
    }

    private PaperNets() {
    }

    /** NetSVF (Table 1): standard vertical field of view, input 1 x 125 x 640, one steering output. */
    public static Network netSvf(long seed) {
        return convNet(NETSVF_INPUT, DRIVING_CHANNELS, DRIVING_HIDDEN, 1, false, seed);
    }

    /** NetHVF (Table 1): higher vertical field of view scaled down, input 1 x 125 x 349, one steering output. */
    public static Network netHvf(long seed) {
        return convNet(NETHVF_INPUT, DRIVING_CHANNELS, DRIVING_HIDDEN, 1, false, seed);
    }

    /** The traffic-sign classifier (Table 2): input 3 x 125 x 125, 43 log-probabilities. */
    public static Network signNet(long seed) {
        return convNet(SIGNNET_INPUT, SIGN_CHANNELS, SIGN_HIDDEN, SIGN_CLASSES, true, seed);
    }

    /** Channels of {@link #small}'s conv layers (it uses as many pairs of them as the input size allows). */
    public static final int[] SMALL_CHANNELS = {8, 8, 16, 16, 24, 24, 32, 32};

    /**
     * A small net of the paper's kind for quick experiments on any input size: BatchNorm-conv-ReLU blocks with 3x3
     * kernels, strides 1, 2, 1, 2, ... and channels 8, 8, 16, 16, 24, 24, 32, 32, in as many (stride 1, stride 2) pairs
     * as the input allows (at most four, at least one; a 125 x 640 road frame gets all four, ending at 32 x 5 x 37),
     * then one hidden layer of 32 and {@code outputs} values (log-probabilities when {@code classifier}). Going down to
     * a small map before the fully connected layers keeps their fan-in, and so the size of SGD steps, moderate.
     *
     * @throws org.visualbackprop.tensor.ShapeException when the input is too small for one pair (under 7 x 7)
     */
    public static Network small(Shape input, int outputs, boolean classifier, long seed) {
        return small(input, outputs, classifier, seed, SMALL_CHANNELS, new int[] {32});
    }

    /**
     * {@link #small(Shape, int, boolean, long)} with other widths: conv channels {@code channels} (an even number of
     * them, taken in (stride 1, stride 2) pairs as far as the input allows) and hidden fully connected sizes
     * {@code hidden}.
     *
     * @throws IllegalArgumentException when {@code channels} is empty, odd in length or holds a value below 1
     */
    public static Network small(Shape input, int outputs, boolean classifier, long seed, int[] channels, int[] hidden) {
        if (channels.length == 0 || channels.length % 2 != 0) {
            throw new IllegalArgumentException("the small net takes its conv channels in (stride 1, stride 2) pairs: need an even, "
                    + "non-zero count, got " + java.util.Arrays.toString(channels));
        }
        for (int c : channels) {
            if (c < 1) {
                throw new IllegalArgumentException("conv channels must be >= 1, got " + java.util.Arrays.toString(channels));
            }
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden sizes must be >= 1, got " + java.util.Arrays.toString(hidden));
            }
        }
        int h = input.h();
        int w = input.w();
        int pairs = 0;
        while (pairs < channels.length / 2) {
            int h2 = ((h - 2) - 3) / 2 + 1;
            int w2 = ((w - 2) - 3) / 2 + 1;
            if (h - 2 < 3 || w - 2 < 3 || h2 < 1 || w2 < 1) {
                break;
            }
            h = h2;
            w = w2;
            pairs++;
        }
        if (pairs == 0) {
            throw new org.visualbackprop.tensor.ShapeException("the small net needs inputs of at least 7 x 7, got "
                    + input.h() + " x " + input.w());
        }
        return convNet(input, java.util.Arrays.copyOf(channels, 2 * pairs), hidden.clone(), outputs, classifier, seed);
    }

    /** Builds an architecture by name; {@code SMALL} gets the given input shape, the others their own. */
    public static Network build(Architecture a, Shape smallInput, int smallOutputs, boolean smallClassifier, long seed) {
        return switch (a) {
            case NETSVF -> netSvf(seed);
            case NETHVF -> netHvf(seed);
            case SIGNNET -> signNet(seed);
            case SMALL -> small(smallInput, smallOutputs, smallClassifier, seed);
        };
    }

    /**
     * The paper's pattern: for each conv, BatchNorm then 3x3 conv (strides alternating 1, 2) then ReLU; Flatten;
     * hidden Dense layers with ReLU; an output Dense; LogSoftmax when {@code classifier}.
     */
    public static Network convNet(Shape input, int[] channels, int[] hidden, int outputs, boolean classifier, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int c = input.c();
        Shape s = input.withBatch(1);
        for (int i = 0; i < channels.length; i++) {
            Window w = Window.of(3, i % 2 == 0 ? 1 : 2);
            layers.add(BatchNorm2d.of(c));
            Conv2d conv = Conv2d.of(c, channels[i], w, random);
            layers.add(conv);
            layers.add(ReLU.of());
            s = conv.outputShape(s);
            c = channels[i];
        }
        layers.add(Flatten.of());
        int f = s.sampleSize();
        for (int h : hidden) {
            layers.add(Dense.of(f, h, random));
            layers.add(ReLU.of());
            f = h;
        }
        // the output layer starts at zero: the untrained network predicts 0 (uniform class probabilities), so the first
        // updates are not spent undoing a random offset of the output
        Dense head = Dense.of(f, outputs, random);
        head.weight().value().fillInPlace(0f);
        layers.add(head);
        if (classifier) {
            layers.add(LogSoftmax.of());
        }
        return Network.of(input, layers);
    }
}
