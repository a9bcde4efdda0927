package org.visualbackprop.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.train.Dataset;

/**
 * A data set over picture files: item {@code i} reads its file, crops the rectangle its {@link Cropper} chooses, and
 * resamples it to {@code channels x height x width} ({@link Pixels#resize}). Files are read on every load (nothing is
 * cached), so it is safe from several threads. A missing or damaged file gives an {@link UncheckedIOException} whose
 * cause names the file.
 */
final class ImageListDataset implements Dataset {
    /** One picture and its target. {@code origin} says where it was listed, for messages. */
    record Item(Path image, float target, Object key, String origin) {
    }

    /** Chooses the crop {@code {x, y, width, height}} of a picture, or says what is wrong with it. */
    interface Cropper {
        int[] crop(Item item, int imageWidth, int imageHeight) throws IOException;
    }

    private final List<Item> items;
    private final Cropper cropper;
    private final int channels;
    private final int height;
    private final int width;
    private final String description;

    ImageListDataset(List<Item> items, Cropper cropper, int channels, int height, int width, String description) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no pictures for " + description);
        }
        this.items = List.copyOf(items);
        this.cropper = Objects.requireNonNull(cropper, "cropper");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.description = description;
    }

    @Override
    public int size() {
        return items.size();
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
        Item item = items.get(Objects.checkIndex(index, items.size()));
        try {
            BufferedImage img = org.visualbackprop.image.Images.read(item.image());
            int w = img.getWidth();
            int h = img.getHeight();
            int[] r = cropper.crop(item, w, h);
            float[] planes = org.visualbackprop.image.Images.planes(img, channels);
            float[] cut = Pixels.crop(planes, channels, h, w, r[0], r[1], r[2], r[3]);
            Pixels.resize(cut, channels, r[3], r[2], input, inputOffset, height, width);
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + index + " (" + item.origin() + "): " + e.getMessage(), e);
        }
        target[targetOffset] = item.target();
    }

    @Override
    public String describe() {
        return description;
    }
}
