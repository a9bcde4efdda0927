package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;

/** {@code vbp drive} as a user runs it: a short drive, its files, its report, and a clear error for each bad option. */
class DriveCommandTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void smallModel() throws Exception {
        model = dir.resolve("small.vbpm");
        ModelFile.save(PaperNets.small(RoadView.SVF.inputShape(), 1, false, 7), Provenance.of("architecture", "small"), model);
    }

    @Test
    void aShortDriveWritesTheVideoThePreviewTheTableAndTheThroughput() throws Exception {
        Path out = dir.resolve("drive");
        CommandLineTest.Result r = CommandLineTest.run("drive", "--model", model.toString(), "--frames", "5", "--methods", "vbp,lrp",
                "--gif", "--overlap", "--quiet", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        for (String f : List.of("drive.mp4", "drive.gif", "drive.csv", "drive-summary.txt")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(r.out().contains("end to end:") && r.out().contains("forward + VisualBackProp alone:"), r.out());
        assertTrue(r.out().contains("small.vbpm (small)"), r.out());
        for (String stage : List.of("source", "forward", "vbp", "lrp", "draw", "mp4", "gif")) {
            assertTrue(r.out().contains("\n" + stage + " "), stage + " in\n" + r.out());
        }
        assertEquals(6, Files.readAllLines(out.resolve("drive.csv")).size());

        // its own video as the input of another drive
        Path again = dir.resolve("again");
        CommandLineTest.Result v = CommandLineTest.run("drive", "--model", model.toString(), "--input", out.resolve("drive.mp4").toString(),
                "--quiet", "--out", again.toString());
        assertEquals(0, v.status(), v.err());
        assertEquals(6, Files.readAllLines(again.resolve("drive.csv")).size());
        assertTrue(v.out().contains("no steering angles"), v.out());
        assertTrue(v.out().contains("each frame written before the next"), v.out());
        assertTrue(r.out().contains("the video written on a thread of its own"), r.out());
    }

    @Test
    void badOptionsAreRefusedWithWhatWasWrong() {
        String m = model.toString();
        String o = dir.resolve("bad").toString();
        Object[][] cases = {
            {new String[] {"--methods", "vbp,foo"}, "unknown method 'foo'"},
            {new String[] {"--methods", "vbp,vbp"}, "given twice"},
            {new String[] {"--frames", "0"}, "--frames must be >= 1, got 0"},
            {new String[] {"--fps", "0"}, "--fps must be in [1, 240], got 0"},
            {new String[] {"--speed", "-3"}, "--speed must be in (0, 100] m/s, got -3.0"},
            {new String[] {"--view", "hvf"}, "--view hvf gives frames of 1 x 125 x 349"},
            {new String[] {"--view", "sideways"}, "--view must be svf or hvf, got 'sideways'"},
            {new String[] {"--device", "warp"}, "unknown device 'warp'"},
            {new String[] {"--device", "opencl-cpu", "--methods", "gradient"}, "gradient runs on Java threads only"},
            {new String[] {"--gif-every", "0"}, "--gif-every must be >= 1, got 0"},
            {new String[] {"--input", dir.resolve("nowhere").toString()}, "no such file"},
        };
        for (Object[] c : cases) {
            String[] extra = (String[]) c[0];
            String[] args = new String[6 + extra.length];
            System.arraycopy(new String[] {"drive", "--model", m, "--quiet", "--out", o}, 0, args, 0, 6);
            System.arraycopy(extra, 0, args, 6, extra.length);
            CommandLineTest.Result r = CommandLineTest.run(args);
            assertEquals(2, r.status(), String.join(" ", extra) + ": " + r.err());
            assertTrue(r.err().contains((String) c[1]), String.join(" ", extra) + ": expected '" + c[1] + "' in " + r.err());
        }
        CommandLineTest.Result r = CommandLineTest.run("drive", "--model", "signnet", "--quiet", "--out", o);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("the model takes 3 x 125 x 125"), r.err());
    }
}
