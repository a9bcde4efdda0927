package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

class GradientsTest {

    /** The sensitivity map against central finite differences of the network output, in evaluation mode. */
    @Test
    void sensitivityMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(12);
        Shape input = new Shape(1, 2, 9, 11);
        Network net = RandomNets.random(r, input, new RandomNets.Spec(2, true, true, true, 0.2));
        Tensor x = Tensor.uniform(input, 0, 1, r);
        Trace t = net.trace(x, Mode.EVAL);
        Attribution g = Gradients.sensitivity(t, Target.predicted());
        Attribution gx = Gradients.gradientTimesInput(t, Target.predicted());
        double h = 1e-2;
        double worst = 0;
        double largest = 1e-12;
        for (int q = 0; q < x.data().length; q++) {
            Tensor plus = x.copy();
            Tensor minus = x.copy();
            plus.data()[q] += (float) h;
            minus.data()[q] -= (float) h;
            double fd = (net.predict(plus).data()[0] - net.predict(minus).data()[0]) / (2 * h);
            int c = q / input.plane();
            int y = q % input.plane() / input.w();
            int xx = q % input.w();
            worst = Math.max(worst, Math.abs(fd - g.value(0, c, y, xx)));
            largest = Math.max(largest, Math.abs(fd));
            assertEquals(g.value(0, c, y, xx) * x.data()[q], gx.value(0, c, y, xx), 1e-6);
        }
        // ReLU kinks can spoil a few differences; allow 2% of the largest gradient
        assertEquals(0, worst, 2e-2 * largest);
    }
}
