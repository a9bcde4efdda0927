package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** A locally connected layer whose every neuron holds the same kernel is a convolution. */
class LocallyConnected2dTest {

    @Test
    void withSharedKernelsItComputesWhatConv2dComputes() {
        SplittableRandom r = new SplittableRandom(11);
        Window w = new Window(3, 2, 2, 1, 1, 1);
        Shape in = new Shape(2, 3, 7, 6);
        Conv2d conv = Conv2d.of(3, 4, w, false, r);
        int neurons = 4 * w.outH(7) * w.outW(6);
        int per = 3 * w.area();
        float[] k = conv.weight().value().data();
        float[] lw = new float[neurons * per];
        for (int n = 0; n < neurons; n++) {
            int co = n / (w.outH(7) * w.outW(6));
            System.arraycopy(k, co * per, lw, n * per, per);
        }
        LocallyConnected2d lc = LocallyConnected2d.withWeights(in, 4, w, lw);
        Tensor x = Tensor.uniform(in, -1f, 1f, r);
        Network a = Network.of(in, conv);
        Network b = Network.of(in, lc);
        assertArrayEquals(a.predict(x).data(), b.predict(x).data(), 1e-5f);
        Tensor g = Tensor.uniform(a.outputShape(2), -1f, 1f, r);
        Tensor ga = a.backward(a.trace(x, Mode.EVAL), g, false, true);
        Tensor gb = b.backward(b.trace(x, Mode.EVAL), g, false, true);
        assertArrayEquals(ga.data(), gb.data(), 1e-5f);
    }

    @Test
    void worksOnlyForTheInputSizeItWasMadeFor() {
        LocallyConnected2d lc = LocallyConnected2d.withWeights(new Shape(1, 1, 3, 3), 1, Window.of(2, 1), new float[4 * 4]);
        ShapeException e = assertThrows(ShapeException.class, () -> lc.outputShape(new Shape(1, 1, 4, 4)));
        assertTrue(e.getMessage().contains("made for inputs 1 x 3 x 3"), e::getMessage);
        assertThrows(ShapeException.class, () -> LocallyConnected2d.withWeights(new Shape(1, 1, 3, 3), 1, Window.of(2, 1), new float[3]));
    }
}
