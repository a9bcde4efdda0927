package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Adam and AdamW against a step worked by hand and against PyTorch 1.13's {@code torch.optim.Adam} and
 * {@code torch.optim.AdamW} (three steps, values printed by the script below, run with Debian's python3-torch
 * 1.13.1), and SGD against its formula.
 *
 * <pre>
 * w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True); b = torch.tensor([0.25, -0.75], requires_grad=True)
 * opt = cls([{'params': [w], 'weight_decay': 0.1}, {'params': [b], 'weight_decay': 0.0}], lr=0.1)
 * for gw, gb in GRADS: w.grad = torch.tensor(gw); b.grad = torch.tensor(gb); opt.step(); print(w, b)
 * </pre>
 * (the bias group has no decay, as {@link Parameter#decay()} is false for biases here).
 */
class OptimizerTest {
    static final float[][] GRAD_W = {{0.5f, -0.25f, 2.0f}, {-0.5f, 0.75f, 1.0f}, {0.3f, 0.3f, -4.0f}};
    static final float[][] GRAD_B = {{0.1f, -3.0f}, {0.2f, 0.0f}, {-0.1f, 1.0f}};
    /** PyTorch 1.13 torch.optim.Adam, lr 0.1, weight_decay 0.1 on w: w and b after steps 1, 2, 3. */
    static final double[][] TORCH_ADAM_W = {{0.9000000357627869, -1.899999976158142, 0.4000000059604645},
            {0.8866836428642273, -1.9160584211349487, 0.3065701127052307},
            {0.8474609851837158, -1.937869668006897, 0.32569384574890137}};
    static final double[][] TORCH_ADAM_B = {{0.15000000596046448, -0.6499999761581421},
            {0.053481802344322205, -0.5829941630363464}, {0.011472877115011215, -0.554080605506897}};
    /** The same with torch.optim.AdamW. */
    static final double[][] TORCH_ADAMW_W = {{0.89000004529953, -1.8799999952316284, 0.39500001072883606},
            {0.8863632082939148, -1.9106189012527466, 0.29783204197883606},
            {0.856278657913208, -1.9499014616012573, 0.31548941135406494}};
    /** PyTorch's float32 arithmetic against ours: the same formula, rounded in a different order. */
    static final double TORCH = 2e-6;

    private static Parameter param(String name, float[] values, boolean decay) {
        return Parameter.of(name, Tensor.wrap(Shape.vector(1, values.length), values.clone()), decay);
    }

    private static void run(Optimizer opt, double[][] wantW, double[][] wantB) {
        Parameter w = param("weight", new float[] {1.0f, -2.0f, 0.5f}, true);
        Parameter b = param("bias", new float[] {0.25f, -0.75f}, false);
        for (int t = 0; t < 3; t++) {
            System.arraycopy(GRAD_W[t], 0, w.grad().data(), 0, 3);
            System.arraycopy(GRAD_B[t], 0, b.grad().data(), 0, 2);
            opt.step(List.of(w, b));
            for (int i = 0; i < 3; i++) {
                assertEquals(wantW[t][i], w.value().data()[i], TORCH, opt.name() + " w[" + i + "] after step " + (t + 1));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(wantB[t][i], b.value().data()[i], TORCH, opt.name() + " b[" + i + "] after step " + (t + 1));
            }
        }
    }

    @Test
    void adamMatchesPyTorchOverThreeSteps() {
        run(Adam.adam(0.1, 0.1), TORCH_ADAM_W, TORCH_ADAM_B);
    }

    @Test
    void adamWMatchesPyTorchOverThreeSteps() {
        // the bias has no decay, so AdamW moves it exactly as Adam does
        run(Adam.adamW(0.1, 0.1), TORCH_ADAMW_W, TORCH_ADAM_B);
    }

    @Test
    void adamsFirstStepWorkedByHand() {
        // step 1: m = (1 - b1) g, v = (1 - b2) g^2, so m / (1 - b1) = g and sqrt(v / (1 - b2)) = |g|: the step is
        // lr * g / (|g| + eps), nearly lr * sign(g). With an L2 term 0.5 on w = 2 and g = -3: g' = -3 + 1 = -2,
        // w = 2 + 0.01 * 2 / (2 + 1e-8) = 2.01 (to float precision).
        Parameter w = param("weight", new float[] {2f}, true);
        w.grad().data()[0] = -3f;
        Adam.adam(0.01, 0.5).step(List.of(w));
        assertEquals(2.01, w.value().data()[0], 1e-6);
        // AdamW instead shrinks the weight by lr * decay first and steps by the raw gradient:
        // w = 2 * (1 - 0.01 * 0.5) + 0.01 * 3 / 3 = 1.99 + 0.01 = 2.0
        Parameter v = param("weight", new float[] {2f}, true);
        v.grad().data()[0] = -3f;
        Adam.adamW(0.01, 0.5).step(List.of(v));
        assertEquals(2.0, v.value().data()[0], 1e-6);
    }

    @Test
    void aScheduledRateReplacesTheBaseRateForThatStep() {
        Parameter a = param("weight", new float[] {1f}, false);
        Parameter b = param("weight", new float[] {1f}, false);
        a.grad().data()[0] = 1f;
        b.grad().data()[0] = 1f;
        Adam.adam(0.5, 0).step(List.of(a), 0.25);
        Adam.adam(0.25, 0).step(List.of(b));
        assertEquals(b.value().data()[0], a.value().data()[0], 0.0);
        assertEquals(0.75, a.value().data()[0], 1e-6);
    }

    @Test
    void sgdWithMomentumFollowsItsFormula() {
        // v1 = g1 + d w0 = 1 + 0.1 * 2 = 1.2, w1 = 2 - 0.1 * 1.2 = 1.88;
        // v2 = 0.9 * 1.2 + (-1 + 0.1 * 1.88) = 1.08 - 0.812 = 0.268, w2 = 1.88 - 0.1 * 0.268 = 1.8532
        Parameter w = param("weight", new float[] {2f}, true);
        Sgd sgd = Sgd.of(0.1, 0.9, 0.1);
        w.grad().data()[0] = 1f;
        sgd.step(List.of(w));
        assertEquals(1.88, w.value().data()[0], 1e-6);
        w.grad().data()[0] = -1f;
        sgd.step(List.of(w));
        assertEquals(1.8532, w.value().data()[0], 1e-6);
    }

    @Test
    void byNameKnowsTheThreeAndRefusesOthersByName() {
        assertEquals("sgd", Optimizer.byName("SGD", 0.1, 0.9, 0).name());
        assertEquals("adam", Optimizer.byName("adam", 0.1, 0.9, 0).name());
        assertEquals("adamw", Optimizer.byName(" adamw ", 0.1, 0.9, 0.01).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.byName("rmsprop", 0.1, 0.9, 0));
        assertTrue(e.getMessage().contains("rmsprop") && e.getMessage().contains("adamw"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Adam.adam(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Adam.adamW(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> Adam.of(0.1, 1.0, 0.999, 1e-8, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Adam.adam(0.1, 0).step(List.of(), Double.NaN));
        assertEquals("adamw", Adam.adamW(0.001, 0.01).provenance().get("optimizer"));
        assertEquals("0.01", Adam.adamW(0.001, 0.01).provenance().get("weight_decay"));
    }
}
