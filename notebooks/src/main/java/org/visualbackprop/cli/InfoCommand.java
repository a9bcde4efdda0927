package org.visualbackprop.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.nets.PaperNets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vbp info --devices}: the compute devices the engines see (OpenCL GPUs, OpenCL CPU devices such as PoCL, Java
 * threads), best first, and which one {@code --device auto} would use. Without OpenCL it says why, in one line, and
 * lists Java threads.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print what this installation can compute on.",
                "--devices lists every device with its name, vendor, type, compute units and memory, best first, and the one "
                        + "'--device auto' picks (an OpenCL GPU, else an OpenCL CPU device, else Java threads)."})
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--devices", description = "List the compute devices (the default).")
    boolean devices;

    @Override
    public Integer call() {
        print(System.out);
        return 0;
    }

    static void print(PrintStream out) {
        Engines.Listing l = Engines.list();
        String fmt = "%-14s %-8s %-13s %-36s %-22s %6s %10s%n";
        out.printf(Locale.ROOT, fmt, "Device", "Backend", "Type", "Name", "Vendor", "Units", "Memory");
        out.println("-".repeat(115));
        for (DeviceInfo d : l.devices()) {
            out.printf(Locale.ROOT, fmt, d.id(), d.backend(), d.type().label(), clip(d.name(), 36), clip(d.vendor(), 22),
                    d.computeUnits(), String.format(Locale.ROOT, "%.1f GiB", d.memoryBytes() / (double) (1L << 30)));
        }
        for (DeviceInfo d : l.devices()) {
            if (!d.version().isEmpty()) {
                out.println(d.id() + ": " + d.version());
            }
        }
        for (String note : l.notes()) {
            out.println("note: " + note);
        }
        Engines.Selection s = Engines.select(PaperNets.netSvf(1), DevicePreference.AUTO);
        out.println("--device auto uses " + s.device().id() + " (" + s.device().describe() + ")");
        s.noticeIfAny().ifPresent(n -> out.println("notice: " + n));
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
