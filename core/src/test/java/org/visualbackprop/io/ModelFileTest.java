package org.visualbackprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.RandomNets;
import org.visualbackprop.testing.TestData;

/**
 * Model files: a save/load round trip keeps every parameter and BatchNorm statistic bit for bit, the layers'
 * settings, the provenance (order included) and so the outputs; damaged files (truncated, bytes flipped, entries
 * missing or edited) are refused with a {@link CorruptFileException} that names the file, never another exception.
 */
class ModelFileTest {
    @TempDir
    Path dir;

    /** Every layer kind, BatchNorm with nonzero running statistics, conv with and without bias, odd windows. */
    static Network everyLayerKind(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Network net = Network.of(new Shape(1, 3, 13, 11),
                RandomNets.batchNorm(3, r), Conv2d.of(3, 5, new Window(3, 2, 2, 1, 1, 0), r), ReLU.of(),
                RandomNets.batchNorm(5, r), Conv2d.of(5, 4, Window.of(3, 1, 0), false, r), Tanh.of(),
                MaxPool2d.of(new Window(2, 3, 2, 2, 1, 0)), Flatten.of(), Dense.of(4 * 3 * 3, 7, r), ReLU.of(),
                Dropout.of(0.25f, 9), Dense.of(7, 4, false, r), LogSoftmax.of());
        RandomNets.randomizeBiases(net, r);
        return net;
    }

    static Provenance provenance() {
        return Provenance.of("seed", 42, "data", "bars: 320 train / 100 held out", "zeta", "last key first in order",
                "alpha", "  leading spaces, = signs: colons # hashes ! bangs \\ backslash",
                "multi", "line one\nline two\r\ttabbed", "unicode", "Straße, 東京, \u00e9", "empty", "");
    }

    static void assertSameModel(Network want, Network got) {
        assertEquals(want.inputShape(), got.inputShape());
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            Layer a = want.layer(i);
            Layer b = got.layer(i);
            assertEquals(a.kind(), b.kind(), "layer " + i);
            assertEquals(a.settings(), b.settings(), "settings of layer " + i);
            assertEquals(a.parameters().size(), b.parameters().size());
            for (int p = 0; p < a.parameters().size(); p++) {
                assertEquals(a.parameters().get(p).value().shape(), b.parameters().get(p).value().shape());
                NumericAssert.assertBitIdentical(a.parameters().get(p).value().data(), b.parameters().get(p).value().data(),
                        "layer " + i + " " + a.parameters().get(p).name());
                assertEquals(a.parameters().get(p).decay(), b.parameters().get(p).decay());
            }
            assertEquals(a.buffers().size(), b.buffers().size());
            for (int k = 0; k < a.buffers().size(); k++) {
                assertEquals(a.buffers().get(k).name(), b.buffers().get(k).name());
                NumericAssert.assertBitIdentical(a.buffers().get(k).tensor().data(), b.buffers().get(k).tensor().data(),
                        "layer " + i + " " + a.buffers().get(k).name());
            }
        }
    }

    @Test
    void aRoundTripKeepsEveryValueTheProvenanceAndTheOutputs() throws IOException {
        Network net = everyLayerKind(61);
        Path f = dir.resolve("sub/dir/model" + ModelFile.EXTENSION);
        ModelFile.save(net, provenance(), f);
        ModelFile.Model m = ModelFile.load(f);
        assertSameModel(net, m.network());
        assertEquals(new ArrayList<>(provenance().entries().entrySet()), new ArrayList<>(m.provenance().entries().entrySet()),
                "provenance, in order");
        Tensor x = TestData.uniform(new Shape(3, 3, 13, 11), new SplittableRandom(62));
        for (Mode mode : new Mode[] {Mode.EVAL, Mode.BATCH_STATISTICS}) {
            NumericAssert.assertBitIdentical(net.forward(x, mode).data(), m.network().forward(x, mode).data(), "output in " + mode);
        }
        // saving what was loaded gives the same bytes
        Path g = dir.resolve("again.vbpm");
        ModelFile.save(m.network(), m.provenance(), g);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g), "bytes of a re-saved model");
    }

    @Test
    void aPaperNetAfterTrainingStepsRoundTrips() throws IOException {
        Network net = PaperNets.signNet(63);
        Tensor x = TestData.uniform(new Shape(2, 3, 125, 125), new SplittableRandom(64));
        net.forward(x, Mode.TRAIN); // moves the running statistics away from 0 and 1
        Path f = dir.resolve("sign.vbpm");
        ModelFile.save(net, Provenance.empty(), f);
        ModelFile.Model m = ModelFile.load(f);
        assertSameModel(net, m.network());
        assertTrue(m.provenance().entries().isEmpty());
        NumericAssert.assertBitIdentical(net.predict(x).data(), m.network().predict(x).data(), "EVAL output");
    }

    private Path saved() throws IOException {
        Path f = dir.resolve("good.vbpm");
        ModelFile.save(everyLayerKind(65), provenance(), f);
        return f;
    }

    /** Loading must either fail with a CorruptFileException naming the file or give back the very same model. */
    private void corruptOrIdentical(Path f, String what) {
        try {
            ModelFile.Model m = ModelFile.load(f);
            assertSameModel(everyLayerKind(65), m.network());
            assertEquals(provenance(), m.provenance(), what);
        } catch (CorruptFileException e) {
            assertTrue(e.getMessage().contains(f.toString()), what + ": message names the file: " + e.getMessage());
        } catch (Exception | AssertionError e) {
            fail(what + ": expected a CorruptFileException or the same model, got " + e, e);
        }
    }

    @Test
    void truncatedFilesAreRefusedNamingTheFile() throws IOException {
        byte[] good = Files.readAllBytes(saved());
        List<Integer> cuts = new ArrayList<>(List.of(0, 1, 4, 10, 29, 30, 31, 100, good.length - 23, good.length - 22,
                good.length - 2, good.length - 1));
        for (int i = 1; i < 40; i++) {
            cuts.add(good.length * i / 40);
        }
        for (int cut : cuts) {
            Path f = dir.resolve("cut" + cut + ".vbpm");
            Files.write(f, Arrays.copyOf(good, cut));
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.load(f), "cut at " + cut + " of " + good.length);
            assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        }
    }

    @Test
    void flippedBytesAreRefusedOrChangeNothing() throws IOException {
        byte[] good = Files.readAllBytes(saved());
        SplittableRandom r = new SplittableRandom(66);
        for (int t = 0; t < 120; t++) {
            byte[] bad = good.clone();
            int at = t < 60 ? t * good.length / 60 : r.nextInt(good.length);
            bad[at] ^= (byte) (1 << r.nextInt(8));
            Path f = dir.resolve("flip" + t + ".vbpm");
            Files.write(f, bad);
            corruptOrIdentical(f, "bit flipped at offset " + at);
        }
    }

    /** The entries of a model file, in order. */
    static Map<String, byte[]> entries(Path f) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                m.put(e.getName(), z.readAllBytes());
            }
        }
        return m;
    }

    static void write(Map<String, byte[]> entries, Path f) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Files.write(f, b.toByteArray());
    }

    private CorruptFileException edited(String name, UnaryOperator<Map<String, byte[]>> edit) throws IOException {
        Map<String, byte[]> e = edit.apply(entries(saved()));
        Path f = dir.resolve(name + ".vbpm");
        write(e, f);
        CorruptFileException ex = assertThrows(CorruptFileException.class, () -> ModelFile.load(f), name);
        assertTrue(ex.getMessage().contains(f.toString()), name + ": message names the file: " + ex.getMessage());
        return ex;
    }

    private CorruptFileException editedProperties(String name, UnaryOperator<String> edit) throws IOException {
        return edited(name, m -> {
            m.put("model.properties", edit.apply(new String(m.get("model.properties"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            return m;
        });
    }

    @Test
    void missingOrMalformedEntriesAreRefusedSayingWhich() throws IOException {
        assertTrue(entries(saved()).containsKey("tensors/1.weight.npy"), "the format stores tensors/I.NAME.npy");
        assertTrue(edited("noweight", m -> {
            m.remove("tensors/1.weight.npy");
            return m;
        }).getMessage().contains("tensors/1.weight.npy"));
        assertTrue(edited("nostats", m -> {
            m.remove("tensors/3.running_var.npy");
            return m;
        }).getMessage().contains("running_var"));
        assertTrue(edited("noprops", m -> {
            m.remove("model.properties");
            return m;
        }).getMessage().contains("model.properties"));
        assertTrue(edited("wrongshape", m -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                Npy.write(b, new int[] {5, 3, 3, 3}, new float[135]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            m.put("tensors/1.weight.npy", b.toByteArray());
            return m;
        }).getMessage().contains("tensors/1.weight.npy"));
        assertTrue(edited("badnpy", m -> {
            m.put("tensors/1.bias.npy", Arrays.copyOf(m.get("tensors/1.bias.npy"), 70));
            return m;
        }).getMessage().contains("1.bias"));
        assertTrue(editedProperties("format", p -> p.replace("format=vbp-model", "format=keras")).getMessage().contains("keras"));
        assertTrue(editedProperties("version", p -> p.replace("version=1", "version=2")).getMessage().contains("version 2"));
        assertTrue(editedProperties("kind", p -> p.replace("layer.2.kind=ReLU", "layer.2.kind=Swish")).getMessage().contains("Swish"));
        assertTrue(editedProperties("number", p -> p.replace("layer.1.out=5", "layer.1.out=five")).getMessage().contains("five"));
        assertTrue(editedProperties("kernel", p -> p.replace("layer.1.kernel=3x2", "layer.1.kernel=3")).getMessage().contains("layer.1.kernel"));
        editedProperties("badwindow", p -> p.replace("layer.1.stride=2x1", "layer.1.stride=0x1"));
        editedProperties("badinput", p -> p.replace("input=3x13x11", "input=3x2x11"));
        editedProperties("channels", p -> p.replace("input=3x13x11", "input=2x13x11"));
        editedProperties("negative", p -> p.replace("input=3x13x11", "input=-3x13x11"));
        editedProperties("nolayers", p -> p.replace("layers=13", "layers=0"));
        editedProperties("toomanylayers", p -> p.replace("layers=13", "layers=14"));
        editedProperties("escape", p -> p + "provenance.broken=\\u12G4\n");
        editedProperties("eps", p -> p.replace("layer.0.eps=1.0E-5", "layer.0.eps=-1"));
        editedProperties("dropout", p -> p.replace("layer.10.p=0.25", "layer.10.p=1.5"));
    }

    @Test
    void foreignFilesAreRefusedAndAMissingFileSaysSo() throws IOException {
        Path png = dir.resolve("image.vbpm");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> ModelFile.load(png));
        assertTrue(e.getMessage().contains(png.toString()), e.getMessage());
        Path empty = dir.resolve("empty.vbpm");
        Files.write(empty, new byte[0]);
        assertThrows(CorruptFileException.class, () -> ModelFile.load(empty));
        Path otherZip = dir.resolve("other.vbpm");
        write(Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)), otherZip);
        assertTrue(assertThrows(CorruptFileException.class, () -> ModelFile.load(otherZip)).getMessage().contains("model.properties"));
        assertThrows(NoSuchFileException.class, () -> ModelFile.load(dir.resolve("absent.vbpm")));
    }
}
