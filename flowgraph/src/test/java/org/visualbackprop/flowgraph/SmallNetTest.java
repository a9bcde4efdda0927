package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Window;

/** A SmallNet prints every value and refuses inconsistent shapes. */
class SmallNetTest {

    @Test
    void printsLayersWeightsBiasesAndInput() {
        SmallNet.Norm norm = new SmallNet.Norm(0.25, new double[] {1}, new double[] {0}, new double[] {1}, new double[] {0.75});
        SmallNet net = new SmallNet(1, 2, 2, new double[] {1, 2, 0, 3}, List.of(
                new SmallNet.Block(norm, Window.of(2, 1), 2, new double[] {1, -1, 0, 2, 0.5, 0, 0, 0}, new double[] {0, -1})));
        assertEquals("""
                SmallNet(input 1 x 2 x 2, 1 conv layer)
                  input  c0: [1 2; 0 3]
                  bn1    BatchNorm(eps 0.25, gamma [1], beta [0], mean [1], var [0.75])
                  conv1  1 -> 2, kernel 2x2, stride 1x1, padding 0x0, bias [0, -1]  (output 2 x 1 x 1)
                         w[o0,i0] = [1 -1; 0 2]
                         w[o1,i0] = [0.5 0; 0 0]""", net.toString());
        assertEquals(net, new SmallNet(1, 2, 2, new double[] {1, 2, 0, 3}, net.blocks()));
        assertTrue(net.hasBatchNorm() && net.hasBiases());
        assertEquals(6, net.network().size() * 2);
    }

    @Test
    void refusesInconsistentShapes() {
        SmallNet.Block b = new SmallNet.Block(null, Window.of(3, 1), 1, new double[9], null);
        ShapeException e = assertThrows(ShapeException.class, () -> new SmallNet(1, 2, 2, new double[4], List.of(b)));
        assertTrue(e.getMessage().contains("does not fit its input 2 x 2"), e::getMessage);
        assertThrows(ShapeException.class, () -> new SmallNet(2, 3, 3, new double[18], List.of(b)));
        assertThrows(ShapeException.class, () -> new SmallNet(1, 3, 3, new double[8], List.of(b)));
    }
}
