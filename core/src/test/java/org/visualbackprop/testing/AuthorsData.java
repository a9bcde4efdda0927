package org.visualbackprop.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the authors' published model and frames are: the system property {@code vbp.authors.dir} when set, else the
 * first {@code shared/authors} found walking up from the working directory. The data carries no licence: tests read
 * it there and never copy it into the project; they skip, with a message saying what is missing, when it is absent.
 */
public final class AuthorsData {
    /** Number of frames published with the model ({@code frames/img1.jpg .. img16.jpg}). */
    public static final int FRAMES = 16;

    private AuthorsData() {
    }

    /** The folder, or null when none is found. */
    public static Path folder() {
        String prop = System.getProperty("vbp.authors.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared/authors"))) {
                return p.resolve("shared/authors");
            }
        }
        return null;
    }

    /** The model file; skips the calling test when it is absent. */
    public static Path model() {
        Path f = folder();
        Assumptions.assumeTrue(f != null && Files.isRegularFile(f.resolve("model.t7b")),
                () -> "the authors' model is absent (" + (f == null ? "no shared/authors folder above " + Path.of("").toAbsolutePath()
                        : f.resolve("model.t7b") + " does not exist") + "; -Dvbp.authors.dir names the folder): skipping");
        return f.resolve("model.t7b");
    }

    /** The frames folder; skips the calling test when it is absent. */
    public static Path frames() {
        Path f = folder();
        Assumptions.assumeTrue(f != null && Files.isDirectory(f.resolve("frames")),
                () -> "the authors' frames are absent (" + (f == null ? "no shared/authors folder" : f.resolve("frames") + " missing")
                        + "; -Dvbp.authors.dir names the folder): skipping");
        return f.resolve("frames");
    }
}
