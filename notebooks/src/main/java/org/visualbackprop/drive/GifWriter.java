package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF through the JDK's ImageIO GIF writer: each frame with the GIF89a graphic control extension
 * (its delay, no disposal) and the first with the NETSCAPE2.0 application extension that makes viewers loop
 * forever. ImageIO reduces each frame to its own palette of at most 256 colours.
 */
public final class GifWriter implements FrameSink {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";
    private final Path file;
    private final ImageOutputStream stream;
    private final ImageWriter writer;
    private final int delayCentiseconds;
    private int frames;

    /**
     * Opens {@code file} for writing (replacing it); each frame shows for {@code delayMillis} (GIF counts in
     * hundredths of a second, so the delay is rounded to them).
     *
     * @throws IllegalArgumentException when the delay is outside [10, 655350] ms
     */
    public GifWriter(Path file, int delayMillis) throws IOException {
        if (delayMillis < 10 || delayMillis > 655_350) {
            throw new IllegalArgumentException("GIF frame delay must be in [10, 655350] ms, got " + delayMillis);
        }
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
        if (!it.hasNext()) {
            throw new IllegalStateException("this Java runtime has no ImageIO GIF writer");
        }
        this.file = file;
        this.writer = it.next();
        this.delayCentiseconds = Math.round(delayMillis / 10f);
        java.nio.file.Files.deleteIfExists(file);
        this.stream = ImageIO.createImageOutputStream(file.toFile());
        if (stream == null) {
            throw new IOException(file + ": cannot open for writing");
        }
        writer.setOutput(stream);
        writer.prepareWriteSequence(null);
    }

    @Override
    public void add(BufferedImage frame) throws IOException {
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentiseconds));
        gce.setAttribute("transparentColorIndex", "0");
        if (frames == 0) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 = forever
            apps.appendChild(app);
        }
        meta.setFromTree(FORMAT, root);
        writer.writeToSequence(new IIOImage(frame, null, meta), param);
        frames++;
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    @Override
    public int frames() {
        return frames;
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            writer.endWriteSequence();
        } catch (IllegalStateException e) {
            // no frame was written: nothing to end
        } finally {
            writer.dispose();
            stream.close();
        }
    }
}
