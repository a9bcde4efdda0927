package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vbp figures} as a user runs it. The whole quick run takes minutes on two cores, so the test runs two of its
 * parts (the method and the theory) and checks that every figure the page names was written as a PNG.
 */
class FiguresCommandTest {

    @Test
    void quickRunOfTwoPartsWritesThePngsAndOnePageWithThemAll(@TempDir Path dir) throws Exception {
        CommandLineTest.Result r = CommandLineTest.run("figures", "--quick", "--only", "method,theory", "--out", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("[1/2] 1. The method") && r.out().contains("[2/2] 6. Theory"), r.out());
        assertTrue(r.out().contains("holds exactly at 16 of 16 pixels"), r.out());
        String html = Files.readString(dir.resolve("index.html"));
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            Path png = dir.resolve(m.group(1));
            assertTrue(Files.size(png) > 1000, png + " exists and is not empty");
            byte[] head = new byte[8];
            try (var in = Files.newInputStream(png)) {
                assertEquals(8, in.read(head));
            }
            assertEquals((byte) 0x89, head[0]);
            assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), png.toString());
            images++;
        }
        assertTrue(images >= 4, "Figures 2, 3, the toy overlay and the Remark 1 scatter: " + images + " in " + html);
        for (String f : List.of("fig02-averaged-maps-and-masks.png", "fig03-overlay.png", "remark1-scatter.png")) {
            assertTrue(html.contains(f), f);
        }
        assertTrue(html.contains("<table>") && html.contains("Spearman"), "the HTML tables and the text tables are on the page");
        assertTrue(r.out().contains("wrote " + images + " figures"), r.out());
        assertTrue(OutputFolderTest.tree(dir).stream().noneMatch(f -> f.contains(".vbp-")), "no temporary file left: " + OutputFolderTest.tree(dir));
    }

    @Test
    void anUnknownPartIsRefusedByName(@TempDir Path dir) {
        CommandLineTest.Result r = CommandLineTest.run("figures", "--only", "method,plots", "--out", dir.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown part 'plots'"), r.err());
    }

    @Test
    void helpListsTheParts() {
        CommandLineTest.Result r = CommandLineTest.run("figures", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("Usage: vbp figures") && r.out().contains("--quick") && r.out().contains("theory"), r.out());
    }
}
