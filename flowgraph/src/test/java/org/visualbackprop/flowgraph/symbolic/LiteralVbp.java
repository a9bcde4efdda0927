package org.visualbackprop.flowgraph.symbolic;

import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * VisualBackProp written again from Section 3's words, for the tests (not core's loop): channel means, then from the
 * deepest map down, each position of the map below receives the sum of the map above over the positions whose window
 * covers it ({@link Window#coversH}/{@code W}), times the averaged map below. With a planted error it is what the
 * symbolic check must reject: {@code dropProductAt} skips the product with the averaged map of that conv layer
 * (0-based), {@code centerIntermediate} subtracts each intermediate mask's mean (an affine shift, as the min-max
 * normalization of intermediate maps some ports do).
 */
record LiteralVbp(int dropProductAt, boolean centerIntermediate) implements SymbolicProof.VbpSide {
    static final LiteralVbp CORRECT = new LiteralVbp(-1, false);

    @Override
    public <T> T[] rawMask(VbpPlan plan, List<T[]> activations, Field<T> f) {
        List<VbpPlan.Stage> convs = plan.convStages();
        List<T[]> avg = new ArrayList<>();
        for (int l = 0; l < convs.size(); l++) {
            Shape o = convs.get(l).outputShape();
            T[] a = f.newArray(o.plane());
            for (int q = 0; q < o.plane(); q++) {
                T s = f.zero();
                for (int c = 0; c < o.c(); c++) {
                    s = f.add(s, activations.get(l)[c * o.plane() + q]);
                }
                a[q] = f.divide(s, f.fromLong(o.c()));
            }
            avg.add(a);
        }
        int k = convs.size() - 1;
        T[] m = avg.get(k);
        List<VbpPlan.Stage> stages = plan.stages();
        for (int s = stages.size() - 1; s >= 0; s--) {
            VbpPlan.Stage st = stages.get(s);
            Shape in = st.inputShape();
            Shape out = st.outputShape();
            Window w = st.window();
            T[] u = f.newArray(in.plane());
            for (int iy = 0; iy < in.h(); iy++) {
                for (int ix = 0; ix < in.w(); ix++) {
                    T sum = f.zero();
                    for (int oy = 0; oy < out.h(); oy++) {
                        for (int ox = 0; ox < out.w(); ox++) {
                            if (w.coversH(oy, iy) && w.coversW(ox, ix)) {
                                sum = f.add(sum, m[oy * out.w() + ox]);
                            }
                        }
                    }
                    u[iy * in.w() + ix] = sum;
                }
            }
            if (s > 0 && stages.get(s - 1).isConv()) {
                k--;
                if (k != dropProductAt) {
                    for (int q = 0; q < u.length; q++) {
                        u[q] = f.multiply(u[q], avg.get(k)[q]);
                    }
                }
                if (centerIntermediate) {
                    T mean = f.zero();
                    for (T v : u) {
                        mean = f.add(mean, v);
                    }
                    mean = f.divide(mean, f.fromLong(u.length));
                    for (int q = 0; q < u.length; q++) {
                        u[q] = f.subtract(u[q], mean);
                    }
                }
            }
            m = u;
        }
        return m;
    }
}
