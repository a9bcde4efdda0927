package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.Tolerances;

/** The losses on hand-worked examples: values, gradients, metrics, and the messages for targets that do not fit. */
class LossTest {

    @Test
    void mseIsTheMeanSquaredErrorWithGradientTwoDiffOverCount() {
        Tensor p = Tensor.of(Shape.vector(2, 2), 1, 2, 3, 4);
        Tensor t = Tensor.of(Shape.vector(2, 2), 0, 2, 5, 3);
        Tensor g = Tensor.zeros(p.shape());
        // differences 1, 0, -2, 1: squares 1, 0, 4, 1, mean 1.5
        assertEquals(1.5, Loss.mse().evaluate(p, t, g), Tolerances.F64);
        NumericAssert.assertClose(new double[] {0.5, 0, -1, 0.5}, g.data(), Tolerances.F64, "MSE gradient");
        // per-sample MSEs 0.5 and 2.5: RMSE over the samples is sqrt(1.5)
        assertEquals(Math.sqrt(1.5), Loss.mse().metric(Loss.mse().metricSum(p, t), 2), Tolerances.F64);
    }

    @Test
    void nllIsMinusTheMeanLogProbabilityOfTheTargetClass() {
        Tensor logp = Tensor.of(Shape.vector(2, 3), -0.1f, -2f, -3f, -1f, -0.5f, -4f);
        Tensor classes = Tensor.of(Shape.vector(2, 1), 0, 1);
        Tensor g = Tensor.zeros(logp.shape());
        g.fillInPlace(7f); // overwritten
        assertEquals((0.1 + 0.5) / 2, Loss.nll().evaluate(logp, classes, g), Tolerances.F32);
        NumericAssert.assertClose(new double[] {-0.5, 0, 0, 0, -0.5, 0}, g.data(), Tolerances.F64, "NLL gradient");
        assertEquals(2.0, Loss.nll().metricSum(logp, classes));
        assertEquals("accuracy", Loss.nll().metricName());
    }

    @Test
    void targetsThatDoNotFitAreRefusedWithTheValues() {
        Tensor logp = Tensor.zeros(Shape.vector(2, 3));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Loss.nll().evaluate(logp, Tensor.of(Shape.vector(2, 1), 0, 3), null));
        assertTrue(bad.getMessage().contains("3.0") && bad.getMessage().contains("sample 1"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loss.nll().evaluate(logp, Tensor.of(Shape.vector(2, 1), 0, 0.5f), null));
        assertThrows(ShapeException.class, () -> Loss.nll().evaluate(logp, Tensor.zeros(Shape.vector(2, 2)), null));
        ShapeException mse = assertThrows(ShapeException.class, () -> Loss.mse().evaluate(logp, Tensor.zeros(Shape.vector(2, 1)), null));
        assertTrue(mse.getMessage().contains("[2, 3, 1, 1]") && mse.getMessage().contains("[2, 1, 1, 1]"), mse.getMessage());
        ShapeException metric = assertThrows(ShapeException.class, () -> Loss.mse().metricSum(logp, Tensor.zeros(Shape.vector(1, 3))));
        assertTrue(metric.getMessage().contains("[2, 3, 1, 1]") && metric.getMessage().contains("[1, 3, 1, 1]"), metric.getMessage());
        assertThrows(ShapeException.class, () -> Loss.nll().metricSum(logp, Tensor.zeros(Shape.vector(1, 1))));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Loss.byName("hinge"));
        assertTrue(name.getMessage().contains("hinge"), name.getMessage());
    }
}
