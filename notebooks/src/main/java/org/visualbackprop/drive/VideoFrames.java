package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcodec.api.JCodecException;
import org.jcodec.api.awt.AWTFrameGrab;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.visualbackprop.io.CorruptFileException;

/**
 * Reads the frames of a video file in order through JCodec's pure-Java decoders (MP4 or MOV with H.264, the common
 * case, and the other formats JCodec's {@code FrameGrab} opens).
 */
public final class VideoFrames implements AutoCloseable {
    private final Path file;
    private final SeekableByteChannel channel;
    private final AWTFrameGrab grab;
    private final int total;
    private int read;

    private VideoFrames(Path file, SeekableByteChannel channel, AWTFrameGrab grab, int total) {
        this.file = file;
        this.channel = channel;
        this.grab = grab;
        this.total = total;
    }

    /**
     * Opens a video file.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws CorruptFileException when JCodec finds no video track it can decode
     */
    public static VideoFrames open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "video file not found");
        }
        SeekableByteChannel ch = NIOUtils.readableChannel(file.toFile());
        try {
            AWTFrameGrab g = AWTFrameGrab.createAWTFrameGrab(ch);
            return new VideoFrames(file, ch, g, g.getVideoTrack().getMeta().getTotalFrames());
        } catch (JCodecException | RuntimeException e) {
            ch.close();
            throw new CorruptFileException(file + ": not a video JCodec can decode (" + e.getMessage() + ")", e);
        }
    }

    /** Frames the container says it holds. */
    public int totalFrames() {
        return total;
    }

    /** The next frame, or null after the last. */
    public BufferedImage next() throws IOException {
        BufferedImage b;
        try {
            b = grab.getFrame();
        } catch (RuntimeException e) {
            throw new CorruptFileException(file + ": frame " + read + " does not decode (" + e + ")", e);
        }
        if (b != null) {
            read++;
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
