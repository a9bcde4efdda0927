package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/** How networks compile to device operations: the fusions, the launch counts, what is refused. No device needed. */
class DeviceProgramTest {
    private static final DeviceProgram.Limits LIMITS = DeviceProgram.Limits.of(256);

    @Test
    void netSvfFoldsEveryBatchNormAndFusesEveryReluAndChannelMean() {
        DeviceProgram p = DeviceProgram.compile(PaperNets.netSvf(1));
        long convs = p.ops.stream().filter(o -> o.kind == DeviceProgram.Kind.CONV).count();
        assertEquals(10, convs);
        for (DeviceProgram.Op op : p.ops) {
            assertTrue(op.kind != DeviceProgram.Kind.AFFINE && op.kind != DeviceProgram.Kind.RELU, op.toString());
            if (op.kind == DeviceProgram.Kind.CONV) {
                assertTrue(op.relu && op.meanLevel >= 0 && op.foldedBatchNorm >= 0, op.toString());
            }
        }
        DeviceProgram.Layout lay = p.new Layout(2, LIMITS);
        // input copy, 10 convs, 3 dense layers (the last writes the predictions); the 6 deepest stages in one launch,
        // 4 more and the normalization; start, scale, 13 x (step, scale) - 1
        assertEquals(14, p.forward(2, lay, LIMITS).size());
        assertEquals(6, p.fusedStages);
        assertEquals(6, p.vbp(2, lay, LIMITS).size());
        assertEquals(27, p.lrp(2, lay, LIMITS, 100f).size());
        assertTrue(p.lrpSteps.get(p.lrpSteps.size() - 1).toInput());
    }

    @Test
    void batchNormBeforeAPaddedConvOrBetweenConvAndReluIsItsOwnOperation() {
        SplittableRandom r = new SplittableRandom(3);
        Network net = Network.of(new Shape(1, 2, 10, 10),
                DeviceNets.randomBatchNorm(r, 2), Conv2d.of(2, 3, Window.of(3, 1, 1), r), ReLU.of(),
                Conv2d.of(3, 4, Window.of(3, 2), r), DeviceNets.randomBatchNorm(r, 4), ReLU.of(),
                Flatten.of(), Dense.of(4 * 4 * 4, 1, r));
        DeviceProgram p = DeviceProgram.compile(net);
        List<DeviceProgram.Kind> kinds = p.ops.stream().map(o -> o.kind).toList();
        assertEquals(List.of(DeviceProgram.Kind.INPUT, DeviceProgram.Kind.AFFINE, DeviceProgram.Kind.CONV, DeviceProgram.Kind.CONV,
                DeviceProgram.Kind.AFFINE, DeviceProgram.Kind.RELU, DeviceProgram.Kind.DENSE), kinds);
        assertEquals(1, p.ops.get(5).meanLevel, "the standalone ReLU writes the second level's averaged map");
        assertFalse(p.ops.get(3).relu);
    }

    @Test
    void netSvfAtBatch64FitsAparapisTwoGigabyteBuffers() {
        DeviceProgram p = DeviceProgram.compile(PaperNets.netSvf(1));
        assertTrue(p.capacityByArrays(LIMITS) >= 64, "capacity " + p.capacityByArrays(LIMITS));
    }

    @Test
    void foldingFollowsLrpsRule() {
        Network net = PaperNets.small(new Shape(1, 1, 20, 30), 3, true, 2);
        boolean[] fold = DeviceProgram.foldable(net);
        for (int i = 0; i < net.size(); i++) {
            assertEquals(net.layer(i) instanceof BatchNorm2d, fold[i], net.name(i));
        }
        assertTrue(Lrp.paper().composite().foldsBatchNorm());
    }

    @Test
    void refusesLayersTheKernelsDoNotCoverNamingThem() {
        SplittableRandom r = new SplittableRandom(1);
        Network tanh = Network.of(new Shape(1, 1, 8, 8), Conv2d.of(1, 2, Window.of(3, 1), r), Tanh.of(), Flatten.of(),
                Dense.of(72, 1, r));
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> DeviceProgram.compile(tanh));
        assertTrue(e.getMessage().contains("tanh1") && e.getMessage().contains("Tanh"), e.getMessage());
        Network midSoftmax = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.of(16, 3, r), LogSoftmax.of(),
                Dense.of(3, 1, r));
        e = assertThrows(UnsupportedNetworkException.class, () -> DeviceProgram.compile(midSoftmax));
        assertTrue(e.getMessage().contains("logsoftmax1"), e.getMessage());
    }

    @Test
    void convWeightsArePaddedToWholeChannelBlocksWithZeros() {
        SplittableRandom r = new SplittableRandom(4);
        Conv2d conv = Conv2d.of(3, 5, Window.of(2, 1), r);
        Network net = Network.of(new Shape(1, 3, 6, 6), conv, ReLU.of(), Flatten.of(), Dense.of(125, 1, r));
        DeviceProgram p = DeviceProgram.compile(net);
        DeviceProgram.Op op = p.ops.get(1);
        float[] w = conv.weight().value().data();
        // forward layout [group][cin][kh][kw][8]: channel co at block position co % 8
        for (int co = 0; co < 8; co++) {
            for (int ci = 0; ci < 3; ci++) {
                for (int t = 0; t < 4; t++) {
                    float expected = co < 5 ? w[(co * 3 + ci) * 4 + t] : 0f;
                    assertEquals(expected, p.params[op.wOff + (ci * 4 + t) * 8 + co], "co " + co + " ci " + ci + " tap " + t);
                }
            }
        }
        assertArrayEquals(new float[8], java.util.Arrays.copyOfRange(p.params, op.bOff, op.bOff + 8), "zero bias, padded");
    }

    @Test
    void layoutRegionsDoNotOverlapAndTheArraysAreHumongous() {
        DeviceProgram p = DeviceProgram.compile(PaperNets.signNet(1));
        DeviceProgram.Layout lay = p.new Layout(3, LIMITS);
        int prev = -1;
        for (int b : lay.regionBase) {
            assertTrue(b > prev);
            prev = b;
        }
        int[] levels = p.levelSizes();
        int maxA = 0;
        for (int k = 0; k < levels.length; k += 2) {
            maxA = Math.max(maxA, levels[k]);
        }
        assertEquals(3 * maxA, lay.relB - lay.relA);
        assertTrue(lay.rawOff + 3 * 125 * 125 <= lay.used && lay.used <= lay.workSize);
        assertTrue(lay.expoOff + 3 <= lay.lrpUsed && lay.lrpUsed <= lay.lrpSize);
        assertTrue(lay.workSize >= NetKernel.MIN_WORK_FLOATS && lay.lrpSize >= NetKernel.MIN_WORK_FLOATS);
    }
}
