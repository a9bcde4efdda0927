package org.visualbackprop.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.data.RoadDrive;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;

/**
 * A short drive recorded, then decoded with the same library: the frame count and size, the camera panel showing the
 * rendered frame, the VisualBackProp panel red where a mask computed here, apart from the recorder, is high and
 * gray where it is low; the GIF's frames and timing; the CSV's true angles and predictions.
 */
class DriveRecorderTest {
    private static final int FRAMES = 6;
    private static final double STEP = 0.5;
    private static final int GIF_EVERY = 2;
    private static final int GIF_WIDTH = 320;

    @TempDir
    static Path dir;
    private static Network net;
    private static RoadDrive drive;
    private static DriveRecorder.Summary summary;

    @BeforeAll
    static void record() throws IOException {
        net = PaperNets.small(RoadView.SVF.inputShape(), 1, false, 3);
        drive = RoadDrive.generate(5, 10);
        FrameSource source = FrameSource.synthetic(drive, RoadView.SVF, FRAMES, STEP);
        try (FrameExplainer ex = new FrameExplainer(net, List.of("vbp", "lrp"), Explainer.Options.defaults().withEpsilon(100))) {
            summary = DriveRecorder.record(source, ex, new DriveRecorder.Settings(30, 90, 90, 60, "test", GIF_EVERY, GIF_WIDTH, true),
                    dir.resolve("drive.mp4"), dir.resolve("drive.gif"), dir.resolve("drive.csv"), null);
        }
    }

    @Test
    void theVideoDecodesToEveryFrameWithTheMaskInRedWhereItIsHigh() throws IOException {
        DriveCanvas layout = new DriveCanvas(640, 125, 3, 90, 60);
        int[] camera = layout.panelOrigin(0);
        int[] vbp = layout.panelOrigin(1);
        int decoded = 0;
        try (VideoFrames v = VideoFrames.open(dir.resolve("drive.mp4"))) {
            assertEquals(FRAMES, v.totalFrames());
            BufferedImage img;
            while ((img = v.next()) != null) {
                assertEquals(layout.width(), img.getWidth());
                assertEquals(layout.height(), img.getHeight());
                Tensor x = drive.render(decoded, STEP, RoadView.SVF).image();
                Explanation e = VisualBackProp.explain(net.trace(x, Mode.EVAL));
                double[] mask = Pictures.map(e.mask(), 0);
                double highRed = 0;
                double expectedRed = 0;
                int high = 0;
                double lowRed = 0;
                int low = 0;
                double cameraError = 0;
                double cameraRed = 0;
                for (int y = 0; y < 125; y++) {
                    for (int xx = 0; xx < 640; xx++) {
                        int rgb = img.getRGB(vbp[0] + xx, vbp[1] + y);
                        int redness = (rgb >> 16 & 0xff) - (rgb >> 8 & 0xff);
                        double m = mask[y * 640 + xx];
                        if (m >= 0.3) {
                            highRed += redness;
                            // the authors' overlay: R = clamp(img + m), G = clamp(img - m), in 8 bits
                            double g = x.data()[y * 640 + xx];
                            expectedRed += 255 * (Math.min(1, g + m) - Math.max(0, g - m));
                            high++;
                        } else if (m <= 0.02) {
                            lowRed += Math.abs(redness);
                            low++;
                        }
                        int c = img.getRGB(camera[0] + xx, camera[1] + y);
                        cameraRed += Math.abs((c >> 16 & 0xff) - (c >> 8 & 0xff));
                        cameraError += Math.abs((c >> 8 & 0xff) - x.data()[y * 640 + xx] * 255);
                    }
                }
                String at = "frame " + decoded;
                assertTrue(high > 50 && low > 1000, at + ": " + high + " high-mask and " + low + " low-mask pixels");
                // H.264 keeps colour at half resolution, which spreads the red of thin masks: most of it must be there
                assertTrue(expectedRed / high > 100 && highRed > 0.6 * expectedRed, at + ": mean R - G " + highRed / high
                        + " where the mask is at least 0.3, " + expectedRed / high + " before encoding");
                assertTrue(lowRed / low < 20, at + ": mean |R - G| " + lowRed / low + " where the mask is low");
                assertTrue(cameraRed / (125 * 640) < 10, at + ": the camera panel is gray");
                assertTrue(cameraError / (125 * 640) < 12, at + ": the camera panel shows the rendered frame, mean error "
                        + cameraError / (125 * 640));
                decoded++;
            }
        }
        assertEquals(FRAMES, decoded);
    }

    @Test
    void theGifHasEverySecondFrameAtItsWidthWithItsDelayAndLoops() throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("gif");
        ImageReader reader = it.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve("drive.gif").toFile())) {
            reader.setInput(in);
            assertEquals((FRAMES + GIF_EVERY - 1) / GIF_EVERY, reader.getNumImages(true));
            assertEquals(summary.gifFrames(), reader.getNumImages(true));
            assertEquals(GIF_WIDTH, reader.getWidth(0));
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertEquals(String.valueOf(Math.round(100.0 * GIF_EVERY / 30)), gce.getAttribute("delayTime"), "hundredths of a second");
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertNotNull(app, "the looping extension");
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
        } finally {
            reader.dispose();
        }
    }

    @Test
    void theTableHasTheTrueAnglesAndThePredictionsOfEveryFrame() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("drive.csv"));
        assertEquals("frame,name,true_degrees,predicted_degrees,source_ms,forward_ms,vbp_ms,lrp_ms,draw_ms,mp4_ms,gif_ms", lines.get(0));
        assertEquals(FRAMES + 1, lines.size());
        for (int i = 0; i < FRAMES; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(i, Integer.parseInt(f[0]));
            assertEquals(drive.frame(i, STEP).steeringDegrees(), Double.parseDouble(f[2]), 1e-4, "true angle of frame " + i);
            Tensor x = drive.render(i, STEP, RoadView.SVF).image();
            assertEquals(net.forward(x, Mode.EVAL).data()[0] * 90, Double.parseDouble(f[3]), 1e-3, "prediction of frame " + i);
        }
    }

    @Test
    void theSummaryNamesEveryStageAndCountsTheFrames() {
        assertEquals(List.of("source", "forward", "vbp", "lrp", "draw", "mp4", "gif"), summary.stages());
        assertEquals(FRAMES, summary.frames());
        assertEquals(DriveRecorder.warmup(FRAMES), summary.warmup());
        for (double m : summary.meanMillis()) {
            assertTrue(m >= 0 && Double.isFinite(m), "stage time " + m);
        }
        assertTrue(summary.millis("forward") > 0 && summary.millis("vbp") > 0);
        assertTrue(summary.endToEndFps() > 0);
        assertTrue(summary.table().contains("forward + VisualBackProp alone"), summary.table());
        assertTrue(Double.isFinite(summary.rmseDegrees()));
    }
}
