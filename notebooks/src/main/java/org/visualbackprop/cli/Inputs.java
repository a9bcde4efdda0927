package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/** The inputs a command was given: an image, a .npy file, or a folder of them, each with a file stem. */
final class Inputs {
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    /** One input: its name for output files and how to load it as a {@code 1 x C x H x W} tensor. */
    record Item(String stem, Path file, int index) {
    }

    private Inputs() {
    }

    /** The inputs under {@code path}, sorted by file name; a .npy with a batch axis gives one input per sample. */
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
        List<Item> items = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String stem = name.substring(0, name.lastIndexOf('.'));
            if (name.toLowerCase(Locale.ROOT).endsWith(".npy")) {
                NpyArray a = Npy.read(f);
                int samples = a.shape().length == 4 ? a.shape()[0] : 1;
                for (int i = 0; i < samples; i++) {
                    items.add(new Item(samples == 1 ? stem : stem + "_" + i, f, i));
                }
            } else {
                items.add(new Item(stem, f, 0));
            }
        }
        return items;
    }

    private static boolean supported(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".npy") || IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** Loads an input for a network taking {@code shape} (batch 1); images are fitted with {@code fit}. */
    static Tensor load(Item item, Shape shape, Images.Fit fit) throws IOException {
        String name = item.file().getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            Tensor t = Npy.read(item.file()).toTensor();
            Tensor one = t.shape().n() == 1 ? t : t.sample(item.index());
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
