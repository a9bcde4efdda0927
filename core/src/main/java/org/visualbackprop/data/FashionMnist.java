package org.visualbackprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.train.Dataset;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70 000 gray 28 x 28 pictures of clothing in 10 classes, read from
 * IDX files. Debian's package {@code dataset-fashion-mnist} installs them, gzip-compressed, in
 * {@link #DEBIAN_DIR} ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz} and the
 * {@code t10k-} pair for the test split).
 *
 * <p>Input {@code 1 x 1 x 28 x 28} in [0, 1] ({@code pixel / 255}), or, through {@link #withInput}, another number of
 * channels (gray repeated) and size (centred on a black canvas, or resampled); target {@code 1 x 1 x 1 x 1}, the class
 * index 0..9 ({@link #CLASS_NAMES}). Holds the pixels in memory as bytes (47 MB for the training split).
 */
public final class FashionMnist implements Dataset {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The ten classes, by index. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two splits, by the prefix of their file names. */
    public enum Split {
        /** 60 000 samples: {@code train-*}. */
        TRAIN("train"),
        /** 10 000 samples: {@code t10k-*}. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** {@code "train"} or {@code "t10k"}. */
        public String prefix() {
            return prefix;
        }
    }

    /** How {@link #withInput} brings 28 x 28 to another size. */
    public enum Placement {
        /** Centre the picture on a black canvas (the size must be at least 28 x 28); the picture is not resampled. */
        PAD,
        /** Resample to the size (area averaging when shrinking, linear interpolation when growing). */
        RESIZE
    }

    private final Idx.Images images;
    private final Idx.Labels labels;
    private final String description;
    private final int channels;
    private final int height;
    private final int width;
    private final Placement placement;

    private FashionMnist(Idx.Images images, Idx.Labels labels, String description, int channels, int height, int width,
            Placement placement) {
        this.images = images;
        this.labels = labels;
        this.description = description;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.placement = placement;
    }

    /** True when Debian's package files of {@code split} are present in {@link #DEBIAN_DIR}. */
    public static boolean isInstalled(Split split) {
        return imagesFile(DEBIAN_DIR, split) != null && labelsFile(DEBIAN_DIR, split) != null;
    }

    /** A split from {@link #DEBIAN_DIR}. */
    public static FashionMnist load(Split split) throws IOException {
        return load(DEBIAN_DIR, split);
    }

    /**
     * A split from {@code dir}, which holds {@code <prefix>-images-idx3-ubyte} and {@code <prefix>-labels-idx1-ubyte},
     * each with or without {@code .gz}.
     *
     * @throws NoSuchFileException when a file is missing (the message says where it looked and how to install the
     *                             Debian package)
     * @throws CorruptFileException when a file is not a valid IDX file, or the two disagree on the sample count, or a
     *                              label is not in 0..9
     */
    public static FashionMnist load(Path dir, Split split) throws IOException {
        Objects.requireNonNull(split, "split");
        Path img = imagesFile(dir, split);
        Path lab = labelsFile(dir, split);
        if (img == null || lab == null) {
            String missing = img == null ? split.prefix() + "-images-idx3-ubyte[.gz]" : split.prefix() + "-labels-idx1-ubyte[.gz]";
            throw new NoSuchFileException(dir.resolve(missing).toString(), null, "Fashion-MNIST file not found"
                    + (dir.equals(DEBIAN_DIR) ? " (install it with: apt-get install dataset-fashion-mnist)" : ""));
        }
        Idx.Images images = Idx.readImages(img);
        Idx.Labels labels = Idx.readLabels(lab);
        if (images.count() != labels.count()) {
            throw new CorruptFileException(img + " holds " + images.count() + " images but " + lab + " holds "
                    + labels.count() + " labels");
        }
        for (int i = 0; i < labels.count(); i++) {
            if (labels.label(i) >= CLASS_NAMES.size()) {
                throw new CorruptFileException(lab + ": label " + labels.label(i) + " of sample " + i + " (offset " + (8 + i)
                        + ") is not a Fashion-MNIST class 0..9");
            }
        }
        return new FashionMnist(images, labels, "Fashion-MNIST " + split.name().toLowerCase() + " (" + images.count()
                + " samples, " + dir + ")", 1, images.rows(), images.cols(), Placement.PAD);
    }

    /**
     * Images and labels already read (for example small files a test wrote).
     *
     * @throws IllegalArgumentException when the counts differ or a label is not in 0..9
     */
    public static FashionMnist of(Idx.Images images, Idx.Labels labels, String description) {
        if (images.count() != labels.count()) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.count() + " labels");
        }
        for (int i = 0; i < labels.count(); i++) {
            if (labels.label(i) >= CLASS_NAMES.size()) {
                throw new IllegalArgumentException("label " + labels.label(i) + " of sample " + i + " is not a class 0..9");
            }
        }
        return new FashionMnist(images, labels, description, 1, images.rows(), images.cols(), Placement.PAD);
    }

    /**
     * The same samples as {@code channels x height x width} inputs (the gray value repeated over the channels).
     *
     * @throws IllegalArgumentException for a channel count other than 1 or 3, a size below 1, or PAD to a size
     *                                  smaller than the pictures
     */
    public FashionMnist withInput(int channels, int height, int width, Placement placement) {
        Objects.requireNonNull(placement, "placement");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be at least 1 x 1, got " + height + " x " + width);
        }
        if (placement == Placement.PAD && (height < images.rows() || width < images.cols())) {
            throw new IllegalArgumentException("cannot pad " + images.rows() + " x " + images.cols() + " pictures to "
                    + height + " x " + width + ": use RESIZE");
        }
        return new FashionMnist(images, labels, description, channels, height, width, placement);
    }

    /** Class index of sample {@code index}. */
    public int label(int index) {
        Objects.checkIndex(index, size());
        return labels.label(index);
    }

    @Override
    public int size() {
        return images.count();
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, channels, height, width);
    }

    @Override
    public Shape targetShape() {
        return new Shape(1, 1, 1, 1);
    }

    @Override
    public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
        Objects.checkIndex(index, size());
        int rows = images.rows();
        int cols = images.cols();
        byte[] px = images.pixels();
        int base = index * rows * cols;
        int plane = height * width;
        if (placement == Placement.PAD) {
            java.util.Arrays.fill(input, inputOffset, inputOffset + channels * plane, 0f);
            int top = (height - rows) / 2;
            int left = (width - cols) / 2;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < rows; y++) {
                    int dst = inputOffset + c * plane + (top + y) * width + left;
                    for (int x = 0; x < cols; x++) {
                        input[dst + x] = (px[base + y * cols + x] & 0xff) / 255f;
                    }
                }
            }
        } else {
            float[] src = new float[rows * cols];
            for (int i = 0; i < src.length; i++) {
                src[i] = (px[base + i] & 0xff) / 255f;
            }
            Pixels.resize(src, 1, rows, cols, input, inputOffset, height, width);
            for (int c = 1; c < channels; c++) {
                System.arraycopy(input, inputOffset, input, inputOffset + c * plane, plane);
            }
        }
        target[targetOffset] = labels.label(index);
    }

    @Override
    public String describe() {
        return description + (channels == 1 && height == images.rows() && width == images.cols() ? ""
                : ", as " + channels + " x " + height + " x " + width + " (" + placement.name().toLowerCase() + ")");
    }

    private static Path imagesFile(Path dir, Split split) {
        return existing(dir, split.prefix() + "-images-idx3-ubyte");
    }

    private static Path labelsFile(Path dir, Split split) {
        return existing(dir, split.prefix() + "-labels-idx1-ubyte");
    }

    private static Path existing(Path dir, String name) {
        for (String n : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
