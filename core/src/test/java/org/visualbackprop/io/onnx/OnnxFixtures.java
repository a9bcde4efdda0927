package org.visualbackprop.io.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * The ONNX fixtures in {@code src/test/resources/onnx/}: models exported by PyTorch 1.13 and built with onnx.helper
 * 1.12, with the inputs, outputs and input gradients PyTorch computed for them ({@code make_fixtures.py} there).
 */
final class OnnxFixtures {
    private OnnxFixtures() {
    }

    static Path path(String name) {
        URL u = OnnxFixtures.class.getClassLoader().getResource("onnx/" + name);
        if (u == null) {
            throw new IllegalStateException("test resource onnx/" + name + " is missing (see src/test/resources/onnx/make_fixtures.py)");
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An array saved by PyTorch as a batch: {@code N x C x H x W}, or {@code N x F} as {@code N} feature vectors. */
    static Tensor batch(String name) {
        try {
            NpyArray a = Npy.read(path(name));
            int[] s = a.shape();
            Shape shape = switch (s.length) {
                case 4 -> new Shape(s[0], s[1], s[2], s[3]);
                case 2 -> Shape.vector(s[0], s[1]);
                default -> throw new IllegalStateException(name + " has " + s.length + " dimensions");
            };
            return Tensor.wrap(shape, a.floats());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An array as PyTorch's state_dict saved it, with its own dimensions ({@code [out, in, kH, kW]} as {@code out x in x kH x kW}, {@code [c]} as a vector). */
    static Tensor weight(String name) {
        try {
            NpyArray a = Npy.read(path(name));
            int[] s = a.shape();
            Shape shape = switch (s.length) {
                case 4 -> new Shape(s[0], s[1], s[2], s[3]);
                case 2 -> new Shape(s[0], s[1], 1, 1);
                case 1 -> Shape.vector(1, s[0]);
                default -> throw new IllegalStateException(name + " has " + s.length + " dimensions");
            };
            return Tensor.wrap(shape, a.floats());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
