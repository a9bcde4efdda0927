package org.visualbackprop.gpu;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.Request;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * The OpenCL engine gives core's results: forward outputs, every averaged map and intermediate mask, the raw and the
 * normalized mask, and LRP-epsilon relevance, on random networks (every fusion and every kind of operation) and on
 * the paper's three networks. Each test's name says which OpenCL device ran it.
 */
class OpenClParityTest {
    private static final Request EVERYTHING_PAPER = Request.vbpAll().withLrp(Lrp.paper(), Target.predicted());

    @TestFactory
    Stream<DynamicTest> randomNetworksGiveCoreResults() {
        DeviceInfo d = TestDevices.openCl();
        List<DynamicTest> tests = new ArrayList<>();
        for (int seed = 0; seed < 16; seed++) {
            int s = seed;
            tests.add(dynamicTest("random network " + s + " on " + d.name(), () -> {
                SplittableRandom r = new SplittableRandom(7000 + s);
                Shape in = new Shape(1, 1 + r.nextInt(3), 14 + r.nextInt(20), 14 + r.nextInt(30));
                boolean classifier = r.nextBoolean();
                Network net = DeviceNets.random(r, in, 2 + r.nextInt(3), classifier ? 2 + r.nextInt(5) : 1, classifier);
                Tensor x = Tensor.uniform(in.withBatch(3), 0f, 1f, r);
                // epsilon 100 (the paper's) and a small one, where the denominators matter
                double eps = s % 2 == 0 ? Lrp.PAPER_EPSILON : 0.01;
                Target target = classifier && s % 3 == 0 ? Target.output(1) : Target.predicted();
                Parity.check("random network " + s + " (" + net + ")", net, x, Request.vbpAll().withLrp(Lrp.epsilon(eps), target), d);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> paperNetworksGiveCoreResults() {
        DeviceInfo d = TestDevices.openCl();
        return Stream.of(
                dynamicTest("NetSVF (1 x 125 x 640) on " + d.name(), () -> paper("NetSVF", PaperNets.netSvf(11), 2, d)),
                dynamicTest("NetHVF (1 x 125 x 349) on " + d.name(), () -> paper("NetHVF", PaperNets.netHvf(12), 2, d)),
                dynamicTest("traffic-sign net (3 x 125 x 125) on " + d.name(), () -> paper("SignNet", PaperNets.signNet(13), 3, d)));
    }

    @TestFactory
    Stream<DynamicTest> otherShapesOfNetworkGiveCoreResults() {
        DeviceInfo d = TestDevices.openCl();
        return Stream.of(
                dynamicTest("a network that ends in a pooled conv map (no Dense) on " + d.name(), () -> {
                    SplittableRandom r = new SplittableRandom(21);
                    Shape in = new Shape(1, 2, 17, 23);
                    Network net = Network.of(in, Conv2d.of(2, 5, Window.of(3, 1, 1), r), ReLU.of(),
                            Conv2d.of(5, 10, Window.of(3, 2), r), ReLU.of(), MaxPool2d.of(Window.of(2, 2)), Flatten.of());
                    Parity.check("conv-pool net", net, Tensor.uniform(in.withBatch(2), 0f, 1f, r),
                            Request.vbpAll().withLrp(Lrp.epsilon(0.1), Target.output(3)), d);
                }),
                dynamicTest("the one-pixel-per-work-item convolution (vbp.opencl.conv=rows) on " + d.name(), () -> {
                    System.setProperty("vbp.opencl.conv", "rows");
                    try {
                        for (int s = 0; s < 4; s++) {
                            SplittableRandom r = new SplittableRandom(900 + s);
                            Shape in = new Shape(1, 1 + s % 3, 20, 27);
                            Network net = DeviceNets.random(r, in, 3, 2, s % 2 == 0);
                            Parity.check("rows, random network " + s, net, Tensor.uniform(in.withBatch(2), 0f, 1f, r),
                                    EVERYTHING_PAPER, d);
                        }
                        Network sign = PaperNets.signNet(3);
                        Parity.check("rows, traffic-sign net", sign,
                                Tensor.uniform(sign.inputShape().withBatch(1), 0f, 1f, new SplittableRandom(3)), EVERYTHING_PAPER, d);
                    } finally {
                        System.clearProperty("vbp.opencl.conv");
                    }
                }));
    }

    private static void paper(String name, Network net, int batch, DeviceInfo d) {
        Tensor x = Tensor.uniform(net.inputShape().withBatch(batch), 0f, 1f, new SplittableRandom(5));
        Parity.check(name, net, x, EVERYTHING_PAPER, d);
    }
}
