package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.Npy;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * The inputs a command was given: an image, a .npy file, or a folder of them, each with a file stem that names its
 * outputs ({@link #STEM_RULE}).
 */
final class Inputs {
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    /** How inputs name their outputs, for {@code --help}. */
    static final String STEM_RULE = "STEM is the input's file name without its extension (a .npy batch adds _0, _1, ...); when two "
            + "inputs would share a stem (a.png and a.jpg, compared ignoring case), both keep their extension (a.png, a.jpg), and a "
            + "clash that remains gets -2, -3, ... File names with control characters (such as a line break) are refused.";

    /** One input: its name for output files and how to load it as a {@code 1 x C x H x W} tensor. */
    record Item(String stem, Path file, int index) {
    }

    private Inputs() {
    }

    /**
     * The inputs under {@code path}, sorted by file name, with unique stems ({@link #STEM_RULE}); a .npy with a batch axis
     * gives one input per sample.
     *
     * @throws IllegalArgumentException for a folder with no inputs, an unsupported file, a file name with a control
     *                                  character, or a .npy array without samples
     */
    static List<Item> list(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "input not found");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> Files.isRegularFile(p) && supported(p)).sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(path + " holds no images (png, jpg, jpeg, bmp, gif) or .npy files");
            }
        } else {
            if (!supported(path)) {
                throw new IllegalArgumentException(path + ": unsupported input type (expected an image or a .npy file)");
            }
            files.add(path);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            for (int i = 0; i < name.length(); i++) {
                if (Character.isISOControl(name.charAt(i))) {
                    throw new IllegalArgumentException(f.getParent() + ": the input file name " + printable(name) + " has a control"
                            + " character (" + String.format("U+%04X", (int) name.charAt(i)) + "); rename it: its outputs and the"
                            + " rows of predictions.csv are named after it");
                }
            }
        }
        // stems: the name without its extension, or the whole name where two files would share one
        Map<String, Integer> baseCount = new HashMap<>();
        for (Path f : files) {
            baseCount.merge(stemOf(f).toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        List<Item> items = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String base = baseCount.get(stemOf(f).toLowerCase(Locale.ROOT)) > 1 ? name : stemOf(f);
            if (name.toLowerCase(Locale.ROOT).endsWith(".npy")) {
                // the header says how many samples there are; each is read on its own when needed, so a stack larger
                // than memory streams
                Npy.Header h = Npy.header(f);
                int samples = h.shape().length == 4 ? h.shape()[0] : 1;
                if (h.count() == 0) {
                    throw new IllegalArgumentException(f + ": the array of shape " + java.util.Arrays.toString(h.shape())
                            + " holds no samples (expected C x H x W, or N x C x H x W with N >= 1)");
                }
                for (int i = 0; i < samples; i++) {
                    items.add(new Item(unique(samples == 1 ? base : base + "_" + i, taken), f, i));
                }
            } else {
                items.add(new Item(unique(base, taken), f, 0));
            }
        }
        return items;
    }

    private static String stemOf(Path f) {
        String name = f.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** {@code stem}, or {@code stem-2}, {@code stem-3}, ... when taken (ignoring case); marks the result taken. */
    private static String unique(String stem, Set<String> taken) {
        String s = stem;
        for (int k = 2; !taken.add(s.toLowerCase(Locale.ROOT)); k++) {
            s = stem + "-" + k;
        }
        return s;
    }

    private static String printable(String name) {
        StringBuilder b = new StringBuilder("'");
        for (char c : name.toCharArray()) {
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('\'').toString();
    }

    private static boolean supported(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".npy") || IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** Loads an input for a network taking {@code shape} (batch 1); images are fitted with {@code fit}. */
    static Tensor load(Item item, Shape shape, Images.Fit fit) throws IOException {
        String name = item.file().getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            Npy.Header h = Npy.header(item.file());
            Tensor one = h.shape().length == 4 ? Npy.readSamples(item.file(), item.index(), 1).toTensor() : Npy.read(item.file()).toTensor();
            Shape s = one.shape();
            if (s.c() != shape.c() || s.h() != shape.h() || s.w() != shape.w()) {
                throw new ShapeException(item.file() + ": array is " + s.describeSample() + ", the network takes "
                        + shape.describeSample());
            }
            return one;
        }
        return Images.load(item.file(), shape.c(), shape.h(), shape.w(), fit);
    }
}
