package org.visualbackprop.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.gpu.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vbp bench}: per-image times of the forward pass, VisualBackProp and LRP-epsilon on a device, for NetSVF,
 * NetHVF and the authors' model (when {@code model.t7b} is found), at batch 1 and 64, with the ratios VBP / forward
 * and LRP / VBP and the device named ({@link Bench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the forward pass, VisualBackProp and LRP-epsilon (epsilon 100, BatchNorm folded) per image on a device.",
                "Prints ms per image for forward, forward+VBP, VBP alone, forward+LRP and LRP alone, frames per second, and the "
                        + "ratios VBP/forward and LRP/VBP, for NetSVF and NetHVF (random weights, evaluation mode) and the "
                        + "authors' model when -Dvbp.authors.dir or a shared/authors folder above the working directory has it; "
                        + "on OpenCL devices also the time of every launch."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "D[,D...]", split = ",",
            description = "auto, gpu, opencl-cpu or java; several, comma-separated, run one after the other (default: ${DEFAULT-VALUE}).")
    List<String> device;

    @Option(names = "--batches", defaultValue = "1,64", paramLabel = "N[,N...]", split = ",",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "N", description = "Timed runs per measurement; the median is printed (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--nets", defaultValue = "netsvf,nethvf,authors", paramLabel = "NAME[,NAME...]", split = ",",
            description = "netsvf, nethvf, authors (default: ${DEFAULT-VALUE}).")
    List<String> nets;

    @Option(names = "--no-profile", description = "Skip the per-launch timing on OpenCL devices.")
    boolean noProfile;

    @Override
    public Integer call() throws Exception {
        List<DevicePreference> prefs = device.stream().map(DevicePreference::parse).toList();
        Bench.run(new Bench.Config(prefs, Arrays.copyOf(batches, batches.length), repeats, warmup, nets, !noProfile), System.out);
        return 0;
    }
}
