package org.visualbackprop.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;

/**
 * JMH benchmark of the core engine on the paper's networks (random weights, seed 1): the forward pass in evaluation
 * mode (traced, every layer's output kept, as the explainers need it; and for its result alone, as a prediction), the
 * same pass recording VisualBackProp's channel means, VisualBackProp alone (on that trace, and on a trace
 * without recorded means, so it averages the maps itself), LRP-epsilon (epsilon 100), and one training step
 * (forward, MSE loss, backward, SGD update). Times are per call (per batch); {@link BenchReport} divides by the batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms4g", "-Xmx8g"})
public class CoreBenchmark {
    @Param({"netsvf"})
    public String net;

    @Param({"1", "16"})
    public int batch;

    private Network network;
    private VbpPlan plan;
    private Tensor input;
    private Tensor target;
    private Trace plain;
    private Trace withMeans;
    private Trace training;
    private Explanation explanation;
    private Tensor grad;
    private Sgd sgd;
    private final Lrp lrp = Lrp.paper();
    private final Loss mse = Loss.mse();

    @Setup(Level.Trial)
    public void setUp() {
        network = switch (net) {
            case "netsvf" -> PaperNets.netSvf(1);
            case "nethvf" -> PaperNets.netHvf(1);
            case "signnet" -> PaperNets.signNet(1);
            default -> throw new IllegalArgumentException("unknown net " + net);
        };
        plan = VbpPlan.of(network);
        SplittableRandom r = new SplittableRandom(2);
        input = Tensor.uniform(network.inputShape().withBatch(batch), 0, 1, r);
        plain = network.trace(input, org.visualbackprop.nn.Mode.EVAL);
        withMeans = VisualBackProp.trace(network, plan, input, org.visualbackprop.nn.Mode.EVAL, null);
        target = Tensor.uniform(network.outputShape(batch), -1, 1, r);
        grad = Tensor.zeros(target.shape());
        sgd = Sgd.of(1e-4, 0.9, 0);
    }

    @Benchmark
    public Trace forward() {
        return plain = network.trace(input, org.visualbackprop.nn.Mode.EVAL, plain);
    }

    /** The forward pass for its result alone ({@code Network.forward}: no layer's output kept, BatchNorm fused where it can be). */
    @Benchmark
    public Tensor predict() {
        return network.forward(input, org.visualbackprop.nn.Mode.EVAL);
    }

    @Benchmark
    public Trace forwardRecordingMeans() {
        return withMeans = VisualBackProp.trace(network, plan, input, org.visualbackprop.nn.Mode.EVAL, withMeans);
    }

    @Benchmark
    public Object vbpAlone() {
        return explanation = VisualBackProp.explain(withMeans, plan, explanation);
    }

    @Benchmark
    public Object vbpAveragingItself() {
        return explanation = VisualBackProp.explain(plain, plan, explanation);
    }

    @Benchmark
    public Object lrp() {
        return lrp.attribute(plain, Target.predicted());
    }

    @Benchmark
    public void trainStep(Blackhole bh) {
        training = network.trace(input, org.visualbackprop.nn.Mode.TRAIN, training);
        bh.consume(mse.evaluate(training.result(), target, grad));
        network.zeroGrad();
        network.backward(training, grad, true, false);
        sgd.step(network.parameters());
    }
}
