package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.JavaBackend;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** The parity check itself: it refuses results that did not come from an OpenCL device. No device needed. */
class ParitySelfTest {
    @Test
    void aResultComputedOnJavaThreadsFailsTheParityCheck() {
        Network net = PaperNets.small(new Shape(1, 1, 20, 24), 1, false, 1);
        Result r;
        try (InferenceEngine java = Engines.open(net, JavaBackend.device())) {
            r = java.run(Tensor.uniform(new Shape(2, 1, 20, 24), 0, 1, new SplittableRandom(1)), Request.vbpAll());
        }
        Result same = r;
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Parity.assertSame("java as device", same, same));
        assertTrue(e.getMessage().contains("not on an OpenCL device"), e.getMessage());
    }
}
