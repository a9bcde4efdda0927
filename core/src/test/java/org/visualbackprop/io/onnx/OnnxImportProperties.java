package org.visualbackprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.io.onnx.proto.OnnxProto.AttributeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.GraphProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ModelProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorShapeProto;
import org.visualbackprop.tensor.ShapeException;

/**
 * Damaged ONNX files never crash the reader: whatever is done to a valid file (truncated, bits flipped, a run of bytes
 * set to 0xFF so that lengths and sizes swell, declared dims, attributes or input sizes inflated, names swapped), it
 * either reads a network or refuses with this project's {@link CorruptFileException} or
 * {@link UnsupportedOnnxModelException} naming the file (or asks for the input size with a {@link ShapeException}
 * where a mutation made it symbolic), within a time limit, and never with an index error, an arithmetic or
 * allocation failure from deep inside.
 */
class OnnxImportProperties {
    private static final String SOURCE = "fuzzed.onnx";
    private static final List<byte[]> SEEDS = seeds();

    private static List<byte[]> seeds() {
        try {
            List<byte[]> s = new ArrayList<>();
            for (String f : new String[] {"svf_bn", "sign_pool", "sign_pool_opset9", "tanh_softmax", "helper_mlp", "helper_padding"}) {
                s.add(Files.readAllBytes(OnnxFixtures.path(f + ".onnx")));
            }
            s.add(OnnxExport.toBytes(OnnxTestNets.everyLayer(3), Provenance.of("seed", 3)));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 300)
    void damagedFilesAreReadOrRefusedWithTheProjectsOwnExceptions(@ForAll @IntRange(min = 0, max = 6) int file,
                                                                   @ForAll @IntRange(min = 0, max = 6) int mutation,
                                                                   @ForAll long seed) throws Exception {
        byte[] bytes = mutate(SEEDS.get(file), mutation, new SplittableRandom(seed));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                OnnxImport.read(bytes, SOURCE, null);
            } catch (CorruptFileException | UnsupportedOnnxModelException e) {
                assertTrue(e.getMessage().startsWith(SOURCE + ": "), e.getMessage());
            } catch (ShapeException e) {
                assertTrue(e.getMessage().startsWith(SOURCE + ": ") && e.getMessage().contains("give the input size"), e.getMessage());
            } catch (IOException | RuntimeException e) {
                fail("mutation " + mutation + " of seed file " + file + " (seed " + seed + "): " + e, e);
            }
        }, "reading took more than 10 s");
    }

    /** One mutation of a valid file. */
    static byte[] mutate(byte[] valid, int kind, SplittableRandom r) {
        byte[] b = valid.clone();
        switch (kind) {
            case 0 -> { // truncated
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 1 -> { // bits flipped
                int flips = 1 + r.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 2 -> { // a run of 0xFF: varints (lengths, sizes, field numbers) swell
                int at = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(10, b.length - at));
                java.util.Arrays.fill(b, at, at + len, (byte) 0xFF);
                return b;
            }
            default -> {
                return mutateMessage(b, kind, r);
            }
        }
    }

    /** Mutations of the parsed message, written back: what a writer with a bug could produce. */
    private static byte[] mutateMessage(byte[] valid, int kind, SplittableRandom r) {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(valid);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        GraphProto.Builder g = m.getGraph().toBuilder();
        long[] huge = {0, -1, -7, 2, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 3000, 65536};
        switch (kind) {
            case 3 -> { // a declared tensor size inflated (or made negative, zero)
                if (g.getInitializerCount() > 0) {
                    TensorProto.Builder t = g.getInitializer(r.nextInt(g.getInitializerCount())).toBuilder();
                    if (t.getDimsCount() > 0) {
                        t.setDims(r.nextInt(t.getDimsCount()), huge[r.nextInt(huge.length)]);
                    } else {
                        t.addDims(huge[r.nextInt(huge.length)]);
                    }
                    g.setInitializer(r.nextInt(g.getInitializerCount()), t);
                }
            }
            case 4 -> { // an integer attribute inflated
                int n = r.nextInt(g.getNodeCount());
                NodeProto.Builder node = g.getNode(n).toBuilder();
                if (node.getAttributeCount() > 0) {
                    int a = r.nextInt(node.getAttributeCount());
                    AttributeProto.Builder at = node.getAttribute(a).toBuilder();
                    long v = huge[r.nextInt(huge.length)];
                    if (at.getIntsCount() > 0) {
                        at.setInts(r.nextInt(at.getIntsCount()), v);
                    } else {
                        at.setI(v).setF(r.nextBoolean() ? Float.NaN : (float) v);
                    }
                    node.setAttribute(a, at);
                    g.setNode(n, node);
                }
            }
            case 5 -> { // the input's size inflated, made symbolic or given another rank
                var in = g.getInput(0).toBuilder();
                TensorShapeProto.Builder s = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                int d = r.nextInt(s.getDimCount() + 1);
                if (d == s.getDimCount()) {
                    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2));
                } else if (r.nextBoolean()) {
                    s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimParam("h"));
                } else {
                    s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimValue(huge[r.nextInt(huge.length)]));
                }
                g.setInput(0, in);
            }
            default -> { // two nodes' inputs swapped, or a node's input renamed to another tensor (cycles, branches)
                int a = r.nextInt(g.getNodeCount());
                int b = r.nextInt(g.getNodeCount());
                NodeProto.Builder na = g.getNode(a).toBuilder();
                NodeProto nb = g.getNode(b);
                if (na.getInputCount() > 0 && nb.getOutputCount() > 0) {
                    na.setInput(r.nextInt(na.getInputCount()), nb.getOutput(r.nextInt(nb.getOutputCount())));
                    g.setNode(a, na);
                }
            }
        }
        return m.toBuilder().setGraph(g).build().toByteArray();
    }
}
