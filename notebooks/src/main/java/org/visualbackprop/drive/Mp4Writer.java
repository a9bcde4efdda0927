package org.visualbackprop.drive;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * An MP4 file of H.264 video (Baseline profile, constant frame rate) through JCodec's pure-Java encoder and muxer
 * ({@code org.jcodec:jcodec}; no system codec). Every frame must have the size of the first, with even sides.
 *
 * <p>The colours are converted here, with ITU-R BT.601 in the limited ("TV") range that decoders assume when a stream
 * does not say otherwise: {@code Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255},
 * {@code Cb = 128 + (-37.797 R - 74.203 G + 112 B) / 255}, {@code Cr = 128 + (112 R - 93.786 G - 18.214 B) / 255}
 * for R, G, B in 0..255, chroma averaged over 2 x 2 pixels (4:2:0). JCodec 0.2.5's own conversion (its
 * {@code SequenceEncoder}) darkens dark tones: RGB gray 50 comes back as 36 from JCodec's decoder and from FFmpeg
 * alike; with this conversion it comes back as 48.
 */
public final class Mp4Writer implements FrameSink {
    private final Path file;
    private final int fps;
    private final SeekableByteChannel channel;
    private final MP4Muxer muxer;
    private final H264Encoder encoder = H264Encoder.createH264Encoder();
    private MuxerTrack track;
    private Picture picture;
    private ByteBuffer buffer;
    private int[] rgb;
    private int frames;
    private int width = -1;
    private int height = -1;

    /**
     * Opens {@code file} for writing (replacing it) at {@code fps} frames a second.
     *
     * @throws IllegalArgumentException when {@code fps} is outside [1, 240]
     */
    public Mp4Writer(Path file, int fps) throws IOException {
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("frames per second must be in [1, 240], got " + fps);
        }
        this.file = file;
        this.fps = fps;
        this.channel = NIOUtils.writableChannel(file.toFile());
        try {
            this.muxer = MP4Muxer.createMP4MuxerToChannel(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void add(BufferedImage frame) throws IOException {
        int w = frame.getWidth();
        int h = frame.getHeight();
        if (width < 0) {
            if (w % 2 != 0 || h % 2 != 0) {
                throw new IllegalArgumentException(file + ": H.264 frames need even sides, got " + w + " x " + h);
            }
            width = w;
            height = h;
            picture = Picture.create(w, h, ColorSpace.YUV420J);
            rgb = new int[w * h];
            buffer = ByteBuffer.allocate(encoder.estimateBufferSize(picture));
            track = muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(w, h), ColorSpace.YUV420J));
        } else if (w != width || h != height) {
            throw new IllegalArgumentException(file + ": frame " + frames + " is " + w + " x " + h + ", the video is " + width + " x "
                    + height);
        }
        toYuv(frame, picture, rgb);
        buffer.clear();
        VideoEncoder.EncodedFrame ef = encoder.encodeFrame(picture, buffer);
        ByteBuffer data = ef.getData();
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data);
        copy.flip();
        track.addFrame(Packet.createPacket(copy, frames, fps, 1, frames, ef.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER,
                null));
        frames++;
    }

    /**
     * BT.601 limited range into JCodec's planes (JCodec stores each sample minus 128 in a signed byte).
     *
     * @param rgb scratch of {@code width * height}; modified
     */
    static void toYuv(BufferedImage img, Picture pic, int[] rgb) {
        int w = img.getWidth();
        int h = img.getHeight();
        img.getRGB(0, 0, w, h, rgb, 0, w);
        byte[] yp = pic.getPlaneData(0);
        byte[] up = pic.getPlaneData(1);
        byte[] vp = pic.getPlaneData(2);
        for (int i = 0; i < w * h; i++) {
            int c = rgb[i];
            int r = c >> 16 & 0xff;
            int g = c >> 8 & 0xff;
            int b = c & 0xff;
            yp[i] = (byte) (Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255) - 128);
        }
        int cw = w / 2;
        for (int y = 0; y < h / 2; y++) {
            for (int x = 0; x < cw; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int c = rgb[(2 * y + dy) * w + 2 * x + dx];
                        r += c >> 16 & 0xff;
                        g += c >> 8 & 0xff;
                        b += c & 0xff;
                    }
                }
                r /= 4;
                g /= 4;
                b /= 4;
                up[y * cw + x] = (byte) (Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255) - 128);
                vp[y * cw + x] = (byte) (Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255) - 128);
            }
        }
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        try {
            if (frames > 0) {
                muxer.finish();
            }
        } finally {
            channel.close();
        }
    }
}
