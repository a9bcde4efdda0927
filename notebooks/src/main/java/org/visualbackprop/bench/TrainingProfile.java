package org.visualbackprop.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Sgd;

/**
 * Where a training step's time goes, layer by layer: the forward pass in training mode, and the backward pass split
 * into each conv layer's weight gradient and input gradient, each BatchNorm's backward, the rest, and the SGD update.
 * Each part is timed on its own, so the parts add up to a little more than a step. By default wall-clock time; with
 * {@code -Dcpu=true}, the process's CPU time, which a machine shared with other work disturbs less (run with
 * {@code -Dvbp.threads=1} then, so the CPU time is the work done).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp notebooks/target/vbp.jar org.visualbackprop.bench.TrainingProfile
 * [netsvf|nethvf|signnet|small] [batch] [repetitions]}.
 */
public final class TrainingProfile {
    private static final boolean CPU = Boolean.getBoolean("cpu");

    private TrainingProfile() {
    }

    private static long now() {
        return CPU ? ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
                : System.nanoTime();
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "netsvf";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Network net = switch (which) {
            case "nethvf" -> PaperNets.netHvf(1);
            case "signnet" -> PaperNets.signNet(1);
            case "small" -> PaperNets.small(PaperNets.NETSVF_INPUT, 1, false, 1);
            default -> PaperNets.netSvf(1);
        };
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = Tensor.uniform(net.inputShape().withBatch(batch), 0, 1, r);
        int n = net.size();
        double[] fw = new double[n];
        double[] bw = new double[n];
        double[] dw = new double[n];
        double[] dx = new double[n];
        double update = 0;
        Trace t = net.trace(x, Mode.TRAIN);
        Tensor[] grads = new Tensor[n];
        for (int i = 0; i < n; i++) {
            grads[i] = Tensor.zeros(t.layerInput(i).shape());
        }
        Sgd sgd = Sgd.of(1e-6, 0.9, 1e-4);
        int warm = 2;
        for (int rep = 0; rep < reps + warm; rep++) {
            boolean count = rep >= warm;
            for (int i = 0; i < n; i++) {
                long s = now();
                net.layer(i).forward(t.layerInput(i), t.output(i), Mode.TRAIN);
                fw[i] += count ? now() - s : 0;
            }
            Tensor g = Tensor.uniform(t.result().shape(), -1, 1, r);
            net.zeroGrad();
            for (int i = n - 1; i >= 0; i--) {
                Layer l = net.layer(i);
                Tensor gin = i == 0 ? null : grads[i];
                if (l instanceof Conv2d) {
                    long s = now();
                    l.backward(t.layerInput(i), t.output(i), g, null, Mode.TRAIN, true);
                    dw[i] += count ? now() - s : 0;
                    if (gin != null) {
                        s = now();
                        l.backward(t.layerInput(i), t.output(i), g, gin, Mode.TRAIN, false);
                        dx[i] += count ? now() - s : 0;
                    }
                } else {
                    long s = now();
                    l.backward(t.layerInput(i), t.output(i), g, gin, Mode.TRAIN, true);
                    bw[i] += count ? now() - s : 0;
                }
                g = gin;
            }
            long s = now();
            sgd.step(net.parameters());
            update += count ? now() - s : 0;
        }
        System.out.printf(Locale.ROOT, "%s, batch %d, %s; ms per step (%s), mean of %d%n", which, batch, Sgemm.describe(),
                CPU ? "process CPU time" : "wall clock", reps);
        System.out.printf(Locale.ROOT, "%-9s %-12s %9s %11s %11s %11s%n", "layer", "kind", "forward", "weight grad", "input grad", "backward");
        double[] tot = new double[5];
        double bnBack = 0;
        for (int i = 0; i < n; i++) {
            double f = fw[i] / reps / 1e6;
            double w = dw[i] / reps / 1e6;
            double d = dx[i] / reps / 1e6;
            double b = bw[i] / reps / 1e6;
            tot[0] += f;
            tot[1] += w;
            tot[2] += d;
            tot[3] += b;
            if (net.layer(i) instanceof BatchNorm2d) {
                bnBack += b;
            }
            if (f + w + d + b >= 0.05) {
                System.out.printf(Locale.ROOT, "%-9s %-12s %9.2f %11s %11s %11s%n", net.name(i), net.layer(i).kind(), f,
                        net.layer(i) instanceof Conv2d ? String.format(Locale.ROOT, "%.2f", w) : "",
                        net.layer(i) instanceof Conv2d ? String.format(Locale.ROOT, "%.2f", d) : "",
                        net.layer(i) instanceof Conv2d ? "" : String.format(Locale.ROOT, "%.2f", b));
            }
        }
        double up = update / reps / 1e6;
        double all = tot[0] + tot[1] + tot[2] + tot[3] + up;
        System.out.printf(Locale.ROOT, "total: forward %.1f, conv weight gradients %.1f, conv input gradients %.1f, BatchNorm backward %.1f, "
                        + "other backward %.1f, update %.1f; step %.1f ms (%.2f ms per frame)%n", tot[0], tot[1], tot[2], bnBack, tot[3] - bnBack,
                up, all, all / batch);
    }
}
