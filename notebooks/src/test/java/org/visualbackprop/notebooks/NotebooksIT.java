package org.visualbackprop.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Executes every notebook ({@code notebooks/*.ipynb}) headless at the reduced size, through
 * {@code notebooks/jupyter/run-notebooks.sh --quick}: a failing cell fails this test, with the script's report (which
 * names the notebook and the cell) in the message. Runs in the {@code integration-test} phase (maven-failsafe-plugin),
 * after {@code package} has made {@code target/vbp.jar} and fetched the kernel jar.
 *
 * <p>Without {@code /usr/bin/jupyter} (or the path in system property {@code vbp.jupyter}) it is skipped, unless system
 * property {@code vbp.requireNotebooks} is {@code true} (CI sets it): then it fails. The script's output goes to
 * {@code target/executed/run-notebooks.out}, not to standard output.
 */
class NotebooksIT {
    private static final Path MODULE = Path.of(System.getProperty("vbp.notebooks.dir", ".")).toAbsolutePath().normalize();
    private static final Path JUPYTER = Path.of(System.getProperty("vbp.jupyter", "/usr/bin/jupyter"));
    private static final long TIMEOUT_MINUTES = Long.getLong("vbp.notebooks.timeoutMinutes", 30);

    @Test
    void everyNotebookExecutesHeadlessAtTheReducedSize() throws Exception {
        if (!Files.isExecutable(JUPYTER)) {
            String why = JUPYTER + " is missing: the notebooks need Jupyter's nbconvert (Debian: apt-get install "
                    + "--no-install-recommends jupyter-nbconvert)";
            if (Boolean.getBoolean("vbp.requireNotebooks")) {
                fail("vbp.requireNotebooks=true, but " + why);
            }
            Assumptions.abort("notebooks not executed: " + why + "; set -Dvbp.requireNotebooks=true to make this a failure");
        }
        List<Path> notebooks = notebooks();
        assertFalse(notebooks.isEmpty(), "no notebooks in " + MODULE);
        Map<Path, String> before = digests(notebooks);

        Path executed = MODULE.resolve("target/executed");
        Files.createDirectories(executed);
        Path log = executed.resolve("run-notebooks.out");
        ProcessBuilder pb = new ProcessBuilder("bash", MODULE.resolve("jupyter/run-notebooks.sh").toString(), "--quick")
                .directory(MODULE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JUPYTER", JUPYTER.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("run-notebooks.sh --quick did not finish in " + TIMEOUT_MINUTES + " minutes:\n" + read(log));
        }
        String output = read(log);
        assertEquals(0, p.exitValue(), () -> "run-notebooks.sh --quick failed (exit " + p.exitValue() + "):\n" + output);

        for (Path nb : notebooks) {
            String name = nb.getFileName().toString().replaceFirst("\\.ipynb$", "");
            assertTrue(Files.isRegularFile(executed.resolve(name + ".ipynb")), "no executed copy of " + nb + "\n" + output);
            assertTrue(Files.isRegularFile(executed.resolve(name + ".html")), "no HTML of " + nb + "\n" + output);
        }
        assertEquals(before, digests(notebooks), "executing the notebooks modified a committed notebook");
    }

    private static List<Path> notebooks() throws IOException {
        try (Stream<Path> s = Files.list(MODULE)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static Map<Path, String> digests(List<Path> files) throws NoSuchAlgorithmException {
        Map<Path, String> m = new TreeMap<>();
        for (Path f : files) {
            try {
                m.put(f, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return m;
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
