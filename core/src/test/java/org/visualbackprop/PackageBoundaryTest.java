package org.visualbackprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data sets ({@code org.visualbackprop.data}) are a leaf of core: no other package of core's main code imports them,
 * so they could become a module of their own without touching the engine (see the package's description).
 */
class PackageBoundaryTest {
    @Test
    void noOtherPackageOfCoreUsesTheDataSets() throws IOException {
        Path main = Path.of("src/main/java/org/visualbackprop");
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.startsWith(main.resolve("data"))) {
                    continue;
                }
                checked++;
                String src = Files.readString(f, StandardCharsets.UTF_8);
                if (src.contains("org.visualbackprop.data.")) {
                    offenders.add(main.relativize(f).toString());
                }
            }
        }
        assertTrue(checked > 50, "looked at " + checked + " files under " + main.toAbsolutePath());
        assertEquals(List.of(), offenders, "core classes outside org.visualbackprop.data that use it");
    }
}
