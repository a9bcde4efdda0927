package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.testing.AuthorsData;

/** The authors' model on their frames (skipped when ../shared/authors is absent). */
class AuthorsFramesTest {

    @Test
    void explainsEveryFrameWithTheStatisticsOfTheBatch() throws Exception {
        Path folder = AuthorsData.model().getParent();
        AuthorsFrames a = AuthorsFrames.load(folder, "lrp");
        assertEquals(AuthorsData.FRAMES, a.frames().size());
        assertEquals("img1", a.frames().get(0).name());
        assertEquals("img10", a.frames().get(9).name(), "frames in number order");
        for (AuthorsFrames.Frame f : a.frames()) {
            assertEquals(125 * 640, f.vbpMask().length);
            assertTrue(Double.isFinite(f.output()), f.name());
        }
        assertTrue(a.describe().contains("statistics of the batch"), a.describe());
        BufferedImage fig = a.figure(0, 4);
        assertEquals(4 + 3 * (640 + 4), fig.getWidth());
        assertTrue(fig.getHeight() >= 4 * 125);
    }

    @Test
    void aFolderWithoutTheFilesIsNotUsed(@TempDir Path empty) {
        String before = System.getProperty("vbp.authors.dir");
        try {
            System.setProperty("vbp.authors.dir", empty.toString());
            assertNull(AuthorsFrames.folder());
        } finally {
            if (before == null) {
                System.clearProperty("vbp.authors.dir");
            } else {
                System.setProperty("vbp.authors.dir", before);
            }
        }
        assertTrue(AuthorsFrames.absentNote().contains("skipped"));
    }
}
