package org.visualbackprop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.testing.AuthorsData;

/**
 * The README's Java snippet, as a user would run it: a class compiled against {@code target/vbp.jar} alone (no other
 * class path) and run in a fresh JVM, for the four first methods, on a {@code .vbpm} file and on the authors' Torch7
 * model with one of their frames (skipped when that model is absent: it is not part of this repository). Runs after {@code package}.
 */
class ApiSnippetIT {
    private static final Path JAR = Path.of("target/vbp.jar").toAbsolutePath();

    /** What a user writes: load a model, explain an image with each method by name, read the map. */
    static final String SNIPPET = """
            import java.nio.file.Path;
            import org.visualbackprop.explain.Attribution;
            import org.visualbackprop.explain.Explainer;
            import org.visualbackprop.explain.Target;
            import org.visualbackprop.image.Images;
            import org.visualbackprop.io.Models;
            import org.visualbackprop.nn.Network;
            import org.visualbackprop.tensor.Shape;
            import org.visualbackprop.tensor.Tensor;

            public class Snippet {
                public static void main(String[] args) throws Exception {
                    Network net = Models.load(Path.of(args[0]));
                    Shape in = net.inputShape();
                    Tensor x = Images.load(Path.of(args[1]), in.c(), in.h(), in.w(), Images.Fit.RESIZE);
                    for (String method : new String[] {"vbp", "lrp", "gradient", "gradxinput"}) {
                        Explainer e = Explainer.of(method, net);
                        Attribution a = e.explain(x, Target.predicted());
                        double[] map = a.map(0);
                        double total = 0;
                        for (double v : map) {
                            total += Math.abs(v);
                        }
                        System.out.println(method + " " + map.length + " " + (total > 0) + " " + a.outputs().data()[0]);
                    }
                }
            }
            """;

    @Test
    void theSnippetCompilesAndRunsAgainstTheJarOnAVbpmModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("small.vbpm");
        var net = PaperNets.small(new org.visualbackprop.tensor.Shape(1, 1, 40, 80), 1, false, 3);
        ModelFile.save(net, Provenance.of("seed", 3), model);
        Path image = dir.resolve("frame.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(80, 40, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 80; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 13) % 256);
            }
        }
        javax.imageio.ImageIO.write(img, "png", image.toFile());
        check(dir, model, image, 40 * 80);
    }

    @Test
    void theSnippetCompilesAndRunsAgainstTheJarOnTheAuthorsModel(@TempDir Path dir) throws Exception {
        check(dir, AuthorsData.model(), AuthorsData.frames().resolve("img1.jpg"), 125 * 640);
    }

    private static void check(Path dir, Path model, Path image, int pixels) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.exists(JAR), JAR + " is missing: run after mvn package");
        Path src = dir.resolve("Snippet.java");
        Files.writeString(src, SNIPPET, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "no Java compiler in this runtime");
        int rc = javac.run(null, null, null, "-cp", JAR.toString(), "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "the snippet does not compile against " + JAR);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", JAR + java.io.File.pathSeparator + dir, "Snippet",
                model.toString(), image.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the snippet did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        for (String method : List.of("vbp", "lrp", "gradient", "gradxinput")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(method + " " + pixels + " ")), method + " missing in\n" + out);
        }
        assertTrue(out.contains("vbp " + pixels + " true"), "the VisualBackProp map is not all zero:\n" + out);
    }
}
