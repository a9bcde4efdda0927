package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.TestData;

/** The cost measurement reports every method, per frame (no verdict on the numbers: timings are not tested). */
class CostTest {
    @Test
    void everyMethodGetsATimePerFrame() {
        Network net = RandomizationTest.net(1, false, 1);
        Tensor x = TestData.uniform(RandomizationTest.IN.withBatch(3), new SplittableRandom(2));
        Cost.Result r = Cost.measure(net, RandomizationTest.explainers(net, "vbp", "gradient"), x, 2, 1);
        assertEquals(java.util.List.of("vbp", "gradient"), java.util.List.copyOf(r.methods().keySet()));
        assertTrue(r.forward() > 0 && Double.isFinite(r.forward()));
        assertTrue(r.methods().values().stream().allMatch(v -> v > 0 && Double.isFinite(v)));
        assertEquals(r.methods().get("gradient") / r.methods().get("vbp"), r.ratio("gradient", "vbp"), 1e-12);
        assertEquals(3, r.frames());
    }
}
