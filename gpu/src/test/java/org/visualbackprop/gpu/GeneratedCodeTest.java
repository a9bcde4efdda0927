package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ConvBlocks.java}, the unrolled conv bodies of the OpenCL kernel, is exactly what {@link ConvSource} generates
 * (nobody edits it by hand). Run with {@code -Dvbp.regenerate=true} to rewrite it after changing the generator.
 */
class GeneratedCodeTest {
    @Test
    void convBlocksIsWhatTheGeneratorWrites() throws IOException {
        if (Boolean.getBoolean("vbp.regenerate")) {
            ConvSource.main(new String[0]);
        }
        List<String> file = Files.readAllLines(ConvSource.FILE, java.nio.charset.StandardCharsets.UTF_8);
        List<String> generated = ConvSource.file();
        for (int i = 0; i < Math.min(file.size(), generated.size()); i++) {
            assertEquals(generated.get(i), file.get(i), "ConvBlocks.java line " + (i + 1) + " differs from ConvSource (edit the "
                    + "generator, then run this test with -Dvbp.regenerate=true)");
        }
        assertEquals(generated.size(), file.size(), "lines of ConvBlocks.java");
        // the unrolled blocks are the bulk of the file: a generator that wrote nothing would not pass silently
        assertEquals(true, generated.size() > 500, "generated lines: " + generated.size());
    }
}
