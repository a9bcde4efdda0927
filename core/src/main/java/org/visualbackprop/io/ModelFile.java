package org.visualbackprop.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Saving and loading networks: architecture, weights, BatchNorm statistics and {@link Provenance}, round-tripping
 * every value bit-exactly.
 *
 * <p><b>Format</b> (extension {@code .vbpm} by convention): a ZIP archive that any unzip tool opens, holding
 * <ul>
 * <li>{@code model.properties}: a Java properties file (UTF-8) with {@code format=vbp-model}, {@code version=1},
 *     {@code input=C x H x W} as {@code 1x125x640}, {@code layers=N}, for each layer {@code i}
 *     {@code layer.i.kind} (Conv2d, BatchNorm2d, ReLU, Tanh, MaxPool2d, Flatten, Dense, Dropout, LogSoftmax) and
 *     its settings {@code layer.i.KEY} (e.g. {@code layer.1.kernel=3x3}), then {@code provenance.KEY} entries;</li>
 * <li>{@code tensors/I.NAME.npy}: one float32 NumPy array per layer tensor ({@code 1.weight}, {@code 1.bias},
 *     {@code 0.running_mean}, {@code 0.running_var}, ...), with the tensor's 4-dimensional shape.</li>
 * </ul>
 * A model's weights can be read with NumPy: {@code numpy.load(zipfile.ZipFile(f).open('tensors/1.weight.npy'))}.
 */
public final class ModelFile {
    /** The conventional file extension. */
    public static final String EXTENSION = ".vbpm";
    static final String FORMAT = "vbp-model";
    static final int VERSION = 1;
    private static final String PROPERTIES = "model.properties";
    private static final String TENSORS = "tensors/";

    /** A loaded model: the network and how it was made. */
    public record Model(Network network, Provenance provenance) {
    }

    private ModelFile() {
    }

    /**
     * Writes {@code network} and {@code provenance} to {@code file}, replacing it: the archive is written to a
     * temporary file in the same folder and moved into place when complete (atomically where the file system allows),
     * so a reader never sees half a model and a failed save leaves no temporary file and the old file untouched.
     */
    public static void save(Network network, Provenance provenance, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                zip.putNextEntry(entry(PROPERTIES));
                zip.write(properties(network, provenance).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                for (int i = 0; i < network.size(); i++) {
                    for (Map.Entry<String, Tensor> t : tensors(network.layer(i)).entrySet()) {
                        zip.putNextEntry(entry(TENSORS + i + "." + t.getKey() + ".npy"));
                        Shape s = t.getValue().shape();
                        Npy.write((OutputStream) zip, new int[] {s.n(), s.c(), s.h(), s.w()}, t.getValue().data());
                        zip.closeEntry();
                    }
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0L); // the same model gives the same bytes
        return e;
    }

    /** The tensors a layer saves, by name, in a stable order. */
    static Map<String, Tensor> tensors(Layer layer) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Parameter p : layer.parameters()) {
            m.put(p.name(), p.value());
        }
        for (Layer.NamedTensor b : layer.buffers()) {
            m.put(b.name(), b.tensor());
        }
        return m;
    }

    private static String properties(Network network, Provenance provenance) {
        StringBuilder sb = new StringBuilder();
        sb.append("# VisualBackProp model file: see ModelFile's javadoc or the README for the format\n");
        line(sb, "format", FORMAT);
        line(sb, "version", Integer.toString(VERSION));
        Shape in = network.inputShape();
        line(sb, "input", in.c() + "x" + in.h() + "x" + in.w());
        line(sb, "layers", Integer.toString(network.size()));
        for (int i = 0; i < network.size(); i++) {
            Layer l = network.layer(i);
            line(sb, "layer." + i + ".kind", l.kind());
            for (Layer.Setting s : l.settings()) {
                line(sb, "layer." + i + "." + s.key(), s.value());
            }
        }
        for (Map.Entry<String, String> e : provenance.entries().entrySet()) {
            line(sb, "provenance." + e.getKey(), e.getValue());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(escape(key, true)).append('=').append(escape(value, false)).append('\n');
    }

    /** Escapes as {@link Properties#load(java.io.Reader)} reads it back. */
    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Reads a model file. Only the entries the model needs are read ({@code model.properties} and the tensors its layers
     * name; anything else in the archive is ignored), each refused before it is read when the archive says it is larger
     * than {@link Limits.Limit#ZIP_ENTRY_BYTES}, and read with that bound whatever the archive says, with its CRC-32
     * checked. A network with a NaN or infinite weight, bias or BatchNorm statistic is refused, naming the layer and
     * the tensor ({@link Network#findNonFinite}).
     *
     * @throws NoSuchFileException    when the file does not exist
     * @throws CorruptFileException   when it is truncated, corrupt, of another format or version, or inconsistent,
     *                                naming the file and what was expected
     * @throws LimitExceededException when an entry it needs is larger than {@link Limits.Limit#ZIP_ENTRY_BYTES}
     */
    public static Model load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        // ZipFile needs the central directory at the end of the archive, so a file cut anywhere is noticed
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw new CorruptFileException(file + ": not a readable model file (expected a ZIP archive holding "
                    + PROPERTIES + "; the file may be truncated): " + e.getMessage(), e);
        }
        try (zip) {
            Entries entries = new Entries(file, zip);
            byte[] props = entries.read(PROPERTIES);
            if (props == null) {
                throw new CorruptFileException(file + ": no " + PROPERTIES + " inside (expected a vbp model file, a ZIP archive"
                        + " with " + PROPERTIES + " and tensors/*.npy; found " + zip.size() + " entries)");
            }
            OrderedProperties p = new OrderedProperties();
            try {
                p.load(new StringReader(new String(props, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new CorruptFileException(file + ": " + PROPERTIES + " is not a readable properties file: " + e.getMessage(), e);
            }
            return new Reader(file, p, entries).read();
        }
    }

    /** The entries of an open archive, each read on demand, bounded and checked. */
    private static final class Entries {
        private final Path file;
        private final ZipFile zip;

        Entries(Path file, ZipFile zip) {
            this.file = file;
            this.zip = zip;
        }

        /** The bytes of entry {@code name}, or null when there is none. */
        byte[] read(String name) throws IOException {
            ZipEntry e;
            try {
                e = zip.getEntry(name);
            } catch (IllegalArgumentException | IllegalStateException ex) {
                throw new CorruptFileException(file + ": the archive's directory is damaged (" + ex.getMessage() + ")", ex);
            }
            if (e == null) {
                return null;
            }
            String source = file + "!" + name;
            long limit = Limits.Limit.ZIP_ENTRY_BYTES.value();
            if (e.getSize() >= 0) {
                Limits.check(Limits.Limit.ZIP_ENTRY_BYTES, e.getSize(), source, "the entry (uncompressed, as the archive says)");
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(e)) {
                // never trust the declared size: read at most one byte more than the limit
                bytes = Limits.readUpTo(in, (int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
                if (bytes.length > limit) {
                    Limits.check(Limits.Limit.ZIP_ENTRY_BYTES, bytes.length, source, "the entry (uncompressed, at least)");
                }
            } catch (ZipException | java.io.EOFException | IllegalArgumentException | IllegalStateException ex) {
                throw new CorruptFileException(source + ": the entry is damaged (" + ex.getMessage() + ")", ex);
            }
            if (e.getSize() >= 0 && bytes.length != e.getSize()) {
                throw new CorruptFileException(source + ": the entry holds " + bytes.length + " bytes, the archive says "
                        + e.getSize());
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw new CorruptFileException(file + ": entry " + name + " is damaged (its CRC-32 is "
                        + Long.toHexString(crc.getValue()) + ", the archive says " + Long.toHexString(e.getCrc()) + ")");
            }
            return bytes;
        }
    }

    /** Properties that also remember the order in which {@link Properties#load} met their keys. */
    private static final class OrderedProperties extends Properties {
        private static final long serialVersionUID = 1L;
        private final transient List<String> order = new ArrayList<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            Object old = super.put(key, value);
            if (old == null) {
                order.add((String) key);
            }
            return old;
        }
    }

    private static final class Reader {
        private final Path file;
        private final OrderedProperties p;
        private final Entries entries;

        Reader(Path file, OrderedProperties p, Entries entries) {
            this.file = file;
            this.p = p;
            this.entries = entries;
        }

        Model read() throws IOException {
            String format = p.getProperty("format");
            if (!FORMAT.equals(format)) {
                throw corrupt("format is '" + format + "', expected '" + FORMAT + "'");
            }
            int version = integer("version");
            if (version != VERSION) {
                throw corrupt("format version " + version + " is not supported (this software reads version " + VERSION + ")");
            }
            int[] in = dims(string("input"), 3, "input");
            int n = integer("layers");
            if (n < 1) {
                throw corrupt("'layers' is " + n + ", expected at least 1");
            }
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                layers.add(layer(i));
            }
            Map<String, String> prov = new LinkedHashMap<>();
            for (String k : p.order) { // the file's order, which is the order of the saved record
                if (k.startsWith("provenance.")) {
                    prov.put(k.substring("provenance.".length()), p.getProperty(k));
                }
            }
            Network net;
            try {
                net = Network.of(new Shape(1, in[0], in[1], in[2]), layers);
            } catch (IllegalArgumentException e) { // ShapeException included
                throw corrupt("the layers do not fit together: " + e.getMessage());
            }
            java.util.Optional<Network.NonFiniteValue> bad = net.findNonFinite();
            if (bad.isPresent()) {
                throw corrupt(bad.get() + ": a model's weights and statistics must be finite (the file is damaged, or was"
                        + " saved from a training run that diverged)");
            }
            return new Model(net, Provenance.of(prov));
        }

        private Layer layer(int i) throws IOException {
            String kind = string("layer." + i + ".kind");
            String k = "layer." + i + ".";
            try {
                return switch (kind) {
                    case "Conv2d" -> {
                        Window w = window(k);
                        Tensor weight = tensor(i, "weight", new Shape(integer(k + "out"), integer(k + "in"), w.kernelH(), w.kernelW()));
                        Tensor bias = bool(k + "bias") ? tensor(i, "bias", Shape.vector(1, integer(k + "out"))) : null;
                        yield Conv2d.withWeights(w, weight, bias);
                    }
                    case "BatchNorm2d" -> {
                        Shape s = Shape.vector(1, integer(k + "channels"));
                        yield BatchNorm2d.withStatistics(floating(k + "eps"), floating(k + "momentum"), tensor(i, "weight", s),
                                tensor(i, "bias", s), tensor(i, "running_mean", s), tensor(i, "running_var", s));
                    }
                    case "Dense" -> {
                        int out = integer(k + "out");
                        Tensor weight = tensor(i, "weight", new Shape(out, integer(k + "in"), 1, 1));
                        Tensor bias = bool(k + "bias") ? tensor(i, "bias", Shape.vector(1, out)) : null;
                        yield Dense.withWeights(weight, bias);
                    }
                    case "MaxPool2d" -> MaxPool2d.of(window(k));
                    case "Dropout" -> Dropout.of(floating(k + "p"), 0L);
                    case "ReLU" -> ReLU.of();
                    case "Tanh" -> Tanh.of();
                    case "Flatten" -> Flatten.of();
                    case "LogSoftmax" -> LogSoftmax.of();
                    default -> throw corrupt("layer " + i + " has unknown kind '" + kind
                            + "' (expected Conv2d, BatchNorm2d, ReLU, Tanh, MaxPool2d, Flatten, Dense, Dropout or LogSoftmax)");
                };
            } catch (IllegalArgumentException e) {
                throw corrupt("layer " + i + " (" + kind + "): " + e.getMessage());
            }
        }

        private Window window(String k) throws CorruptFileException {
            int[] kernel = dims(string(k + "kernel"), 2, k + "kernel");
            int[] stride = dims(string(k + "stride"), 2, k + "stride");
            int[] pad = dims(string(k + "padding"), 2, k + "padding");
            return new Window(kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1]);
        }

        private Tensor tensor(int layer, String name, Shape expected) throws IOException {
            String entry = TENSORS + layer + "." + name + ".npy";
            byte[] bytes = entries.read(entry);
            if (bytes == null) {
                throw corrupt("entry " + entry + " is missing (the " + name + " of layer " + layer + ")");
            }
            NpyArray a;
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                a = Npy.read(in, file + "!" + entry);
            }
            int[] s = a.shape();
            if (s.length != 4 || s[0] != expected.n() || s[1] != expected.c() || s[2] != expected.h() || s[3] != expected.w()) {
                throw corrupt("entry " + entry + " has shape " + java.util.Arrays.toString(s) + ", expected " + expected);
            }
            return Tensor.wrap(expected, a.floats());
        }

        private String string(String key) throws CorruptFileException {
            String v = p.getProperty(key);
            if (v == null) {
                throw corrupt("'" + key + "' is missing from " + PROPERTIES);
            }
            return v.trim();
        }

        private int integer(String key) throws CorruptFileException {
            String v = string(key);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw corrupt("'" + key + "' should be an integer, got '" + v + "'");
            }
        }

        private float floating(String key) throws CorruptFileException {
            String v = string(key);
            try {
                return Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw corrupt("'" + key + "' should be a number, got '" + v + "'");
            }
        }

        private boolean bool(String key) throws CorruptFileException {
            String v = string(key);
            if (!v.equals("true") && !v.equals("false")) {
                throw corrupt("'" + key + "' should be true or false, got '" + v + "'");
            }
            return v.equals("true");
        }

        private int[] dims(String v, int count, String key) throws CorruptFileException {
            String[] parts = v.split("x");
            if (parts.length != count) {
                throw corrupt("'" + key + "' should have " + count + " sizes separated by 'x', got '" + v + "'");
            }
            int[] d = new int[count];
            for (int i = 0; i < count; i++) {
                try {
                    d[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw corrupt("'" + key + "' should be sizes like 3x3, got '" + v + "'");
                }
            }
            return d;
        }

        private CorruptFileException corrupt(String what) {
            return new CorruptFileException(file + ": " + what);
        }
    }
}
