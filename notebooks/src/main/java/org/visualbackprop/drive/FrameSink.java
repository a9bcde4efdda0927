package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** Where the frames of a drive go: a video file, an animated GIF. Closing finishes the file. */
public interface FrameSink extends AutoCloseable {
    /** Adds the next frame; every frame of one sink has the same size. */
    void add(BufferedImage frame) throws IOException;

    /** Frames added so far. */
    int frames();

    @Override
    void close() throws IOException;
}
