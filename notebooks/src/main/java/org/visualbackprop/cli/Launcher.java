package org.visualbackprop.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the JVM runs with the Vector API module: the matrix kernels need {@code jdk.incubator.vector}, which a
 * plain {@code java -jar vbp.jar} does not load (a jar manifest cannot add modules). When it is missing, the command
 * starts itself again with {@code --add-modules jdk.incubator.vector} and the same arguments, passing standard streams
 * through, and exits with the child's status. Set {@code VBP_NO_RELAUNCH=1} to run without it (slow scalar kernels).
 */
final class Launcher {
    private Launcher() {
    }

    /** True when this JVM can use the fast kernels or relaunching is not possible or wanted. */
    static boolean vectorModuleLoaded() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Relaunches with the module when it is missing.
     *
     * @return the child's exit status, or -1 when no relaunch happened (run in this JVM)
     */
    static int relaunchIfNeeded(String[] args, Class<?> main) {
        if (vectorModuleLoaded() || System.getenv("VBP_NO_RELAUNCH") != null) {
            return -1;
        }
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>();
            cmd.add(java.toString());
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                cmd.add(a);
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(main.getName());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put("VBP_NO_RELAUNCH", "1");
            Process p = pb.start();
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
