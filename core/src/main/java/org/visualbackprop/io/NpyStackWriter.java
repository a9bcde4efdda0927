package org.visualbackprop.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a float32 {@code .npy} stack ({@code samples x (sample shape)}) one sample at a time, so a stack larger than
 * memory is written in constant memory; the header, written first, announces all the samples. A stack cut short (an
 * interrupted run) can be continued with {@link #resume}, which cuts it back to its last whole sample. Until
 * {@link #complete()} the file holds fewer values than its header announces, so {@link Npy#read} refuses it: keep it
 * under a temporary name until then.
 */
public final class NpyStackWriter implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final int samples;
    private final int[] sampleShape;
    private final int perSample;
    private final ByteBuffer buffer;
    private int written;

    private NpyStackWriter(Path file, FileChannel channel, int samples, int[] sampleShape, int written) {
        this.file = file;
        this.channel = channel;
        this.samples = samples;
        this.sampleShape = sampleShape.clone();
        int per = 1;
        for (int d : sampleShape) {
            per = Math.multiplyExact(per, d);
        }
        this.perSample = per;
        this.buffer = ByteBuffer.allocate(4 * per).order(ByteOrder.LITTLE_ENDIAN);
        this.written = written;
    }

    private static int[] stackShape(int samples, int[] sampleShape) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = samples;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    /** A new stack of {@code samples} samples of {@code sampleShape} (replacing a file of that name). */
    public static NpyStackWriter create(Path file, int samples, int[] sampleShape) throws IOException {
        if (samples < 0) {
            throw new IllegalArgumentException("a stack of " + samples + " samples");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            ch.write(ByteBuffer.wrap(Npy.headerBytes("<f4", stackShape(samples, sampleShape))));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new NpyStackWriter(file, ch, samples, sampleShape, 0);
    }

    /**
     * Continues a stack that {@link #create} started with the same shape, after its first {@code done} samples: the file
     * is cut back to them (anything after, such as half a sample, is dropped).
     *
     * @throws CorruptFileException when the file's header is not that of such a stack, or it holds fewer than
     *                              {@code done} samples
     */
    public static NpyStackWriter resume(Path file, int samples, int[] sampleShape, int done) throws IOException {
        Npy.Header h;
        try (InputStream in = Files.newInputStream(file)) {
            h = Npy.header(in, file.toString());
        }
        int[] want = stackShape(samples, sampleShape);
        if (!Arrays.equals(h.shape(), want) || !h.type().equals("f4")) {
            throw new CorruptFileException(file + ": a stack of shape " + Arrays.toString(h.shape()) + " (" + h.type() + "), not the "
                    + Arrays.toString(want) + " float32 stack to resume");
        }
        long per = 4L * (h.count() / Math.max(1, samples));
        long need = h.dataOffset() + per * done;
        long size = Files.size(file);
        if (done < 0 || done > samples || size < need) {
            throw new CorruptFileException(file + ": holds " + Math.max(0, (size - h.dataOffset()) / Math.max(1, per)) + " whole samples, "
                    + "not the " + done + " to resume after");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        ch.truncate(need);
        ch.position(need);
        return new NpyStackWriter(file, ch, samples, sampleShape, done);
    }

    /** Appends one sample. @throws IllegalStateException when the stack is full */
    public void append(float[] sample, int offset) throws IOException {
        if (written >= samples) {
            throw new IllegalStateException(file + ": the stack already holds its " + samples + " samples");
        }
        buffer.clear();
        buffer.asFloatBuffer().put(sample, offset, perSample);
        buffer.limit(4 * perSample);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written++;
    }

    /** Appends one sample given in double precision (stored as float32). */
    public void append(double[] sample) throws IOException {
        if (sample.length != perSample) {
            throw new IllegalArgumentException(file + ": a sample of " + sample.length + " values, the stack's have " + perSample);
        }
        float[] f = new float[perSample];
        for (int q = 0; q < perSample; q++) {
            f[q] = (float) sample[q];
        }
        append(f, 0);
    }

    /** Samples written so far. */
    public int written() {
        return written;
    }

    /** True when every sample the header announces is written. */
    public boolean complete() {
        return written == samples;
    }

    /** The shape of one sample. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Forces what was written to the disk (before recording progress elsewhere). */
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
