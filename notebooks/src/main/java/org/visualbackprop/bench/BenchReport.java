package org.visualbackprop.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.nets.PaperNets;

/**
 * Runs {@link CoreBenchmark} and prints per-frame times side by side with the ratios the issues ask for
 * (VisualBackProp / forward, LRP / VisualBackProp) and the GFLOP/s of the forward pass.
 * Usage: {@code java -cp notebooks/target/vbp.jar org.visualbackprop.bench.BenchReport [net] [quick]}.
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws RunnerException {
        String net = args.length > 0 ? args[0] : "netsvf";
        boolean quick = args.length > 1 && args[1].equals("quick");
        OptionsBuilder ob = new OptionsBuilder();
        ob.include(CoreBenchmark.class.getSimpleName()).param("net", net).param("batch", "1", "16")
                .jvmArgsAppend("-Dvbp.threads=" + Parallel.threads());
        if (quick) {
            ob.warmupIterations(2).measurementIterations(3).warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
        }
        Options opt = ob.build();
        Collection<RunResult> results = new Runner(opt).run();
        Map<String, Double> ms = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            ms.put(name + "@" + batch, r.getPrimaryResult().getScore() / batch);
        }
        double flops = Flops.forward(switch (net) {
            case "nethvf" -> PaperNets.netHvf(1);
            case "signnet" -> PaperNets.signNet(1);
            default -> PaperNets.netSvf(1);
        });
        System.out.println();
        System.out.printf("%s, %s; %.2f GFLOP per frame; %d threads%n", net, Sgemm.describe(), flops / 1e9, Parallel.threads());
        System.out.printf("%-28s %12s %12s%n", "ms per frame", "batch 1", "batch 16");
        for (String b : new String[] {"forward", "predict", "forwardRecordingMeans", "vbpAlone", "vbpAveragingItself", "lrp", "trainStep"}) {
            System.out.printf("%-28s %12s %12s%n", b, fmt(ms.get(b + "@1")), fmt(ms.get(b + "@16")));
        }
        for (int batch : new int[] {1, 16}) {
            Double f = ms.get("forward@" + batch);
            if (f == null) {
                continue;
            }
            Double p = ms.get("predict@" + batch);
            if (p != null) {
                System.out.printf("batch %2d: predict (result only) %.1f GFLOP/s%n", batch, flops / (p * 1e6));
            }
            System.out.printf("batch %2d: forward %.1f GFLOP/s; VBP alone / forward %.3f; VBP averaging itself / forward %.3f; "
                            + "recording means adds %.1f%% to the forward; LRP / VBP alone %.1f%n", batch, flops / (f * 1e6),
                    ms.get("vbpAlone@" + batch) / f, ms.get("vbpAveragingItself@" + batch) / f,
                    100 * (ms.get("forwardRecordingMeans@" + batch) / f - 1), ms.get("lrp@" + batch) / ms.get("vbpAlone@" + batch));
        }
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format("%.3f", v);
    }
}
