package org.visualbackprop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vbp} command line: {@code java -jar notebooks/target/vbp.jar COMMAND [OPTIONS]}.
 * Every command has {@code --help}.
 */
@Command(name = "vbp", mixinStandardHelpOptions = true, versionProvider = Vbp.Version.class,
        description = "VisualBackProp (Bojarski et al.): train small CNNs, explain them with VisualBackProp, LRP and other methods, test how faithful the methods are, check the theory.",
        subcommands = {DemoCommand.class, FiguresCommand.class, TrainCommand.class, EvaluateCommand.class, ExplainCommand.class,
                EvaluateMethodsCommand.class, DriveCommand.class, DescribeCommand.class, DiagnoseCommand.class, ExportCommand.class,
                VerifyCommand.class, PathsCommand.class, InfoCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Vbp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int relaunched = Launcher.relaunchIfNeeded(args, Vbp.class);
        if (relaunched >= 0) {
            System.exit(relaunched);
        }
        System.exit(run(args));
    }

    /** Runs the command line in this JVM and returns the exit status (for tests and notebooks). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Vbp());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("vbp " + line.getCommandName() + ": " + message(ex));
            if (System.getenv("VBP_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return 2;
        });
        return cl.execute(args);
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        return m == null ? t.toString() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Vbp.class.getPackage().getImplementationVersion();
            return new String[] {"vbp " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + ", " + org.visualbackprop.compute.Sgemm.describe()};
        }
    }
}
