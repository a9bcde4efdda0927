package org.visualbackprop.flowgraph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.ops.DConvertMatrixStruct;
import org.ejml.sparse.csc.CommonOps_DSCC;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * The multipartite flow graph of a convolutional network on one input (Section 4, Lemma 1, Figures 4-6), in a
 * {@link Field} of choice.
 *
 * <p><b>Parts.</b> {@code A_0} holds the input neurons, {@code A_l} (l = 1 .. L) the neurons of conv layer l after its
 * ReLU; a neuron of a part is {@code (channel, y, x)}, numbered {@code c*h*w + y*w + x} (the order of core tensors).
 * <b>Edges.</b> From {@code u} in {@code A_(l-1)} to {@code v} in {@code A_l} for every {@code v} whose window covers
 * {@code u}, for every pair of channels, with the kernel weight that connects them (also when that weight is 0).
 * Which windows cover which positions is asked of core's {@link Window}, the geometry the convolutions use.
 * <b>Values.</b> {@code a(u)} for the input neurons is the pixel value {@code v(X)}; for the others the forward pass
 * computed here in the field: {@code z(v) = sum over edges e = (u, v) of w_e a(u)} (the weighted input, bias not
 * included) and {@code a(v) = max(0, z(v) - b_v)}, with the paper's sign of the bias ({@code b_v} is minus the conv
 * bias). A neuron with {@code a(v) = 0} is dead (crossed in Figure 4).
 *
 * <p><b>BatchNorm.</b> Evaluation mode only: a BatchNorm directly before a conv (the paper's networks) is the affine map
 * {@code scale[c] x + shift[c]} of the conv's input; it folds into the edges, {@code w_e = W * scale[c_in]}, and into
 * the bias, {@code b_v = -(conv bias + sum over v's edges of W * shift[c_in])}, a sum over the edges v actually has, so
 * the fold is exact also with padding (the bias then depends on the position). A BatchNorm between a conv and its
 * ReLU folds likewise on the output side. The scale and shift are core's {@link BatchNorm2d#evalAffine()} values,
 * taken exactly into the field.
 *
 * <p><b>Sums over paths</b> from an input neuron X to {@code A_L} are computed three independent ways that must agree:
 * explicit enumeration ({@link #paths(int)}, lazy, for tiny nets), dynamic programming layer by layer
 * ({@link #pathSums(Quantity)}) and a chain of EJML sparse matrices ({@link #pathSumsBySparseMatrices(Quantity)}).
 * The products summed are chosen by a {@link Quantity}; {@link #phi()}, {@link #phiVbp()} and
 * {@link #phiDefinition1()} are eqs. 3, 4 and 1.
 *
 * <p>Immutable after construction (the input tensor and network are not kept; the ratios a(v)/z(v) are computed once,
 * on first use, safely across threads).
 *
 * @param <T> the number type of the field
 */
public final class FlowGraph<T> {

    /**
     * A part {@code A_l} of the graph: {@code channels} feature maps of {@code height x width} neurons.
     *
     * @param index the l of {@code A_l}
     * @param name  {@code "input"} or the conv layer's name ({@code "conv2"})
     */
    public record Part(int index, String name, int channels, int height, int width) {
        /** Number of neurons. */
        public int size() {
            return channels * height * width;
        }

        /** Neurons of one feature map. */
        public int plane() {
            return height * width;
        }

        /** The number of neuron {@code (c, y, x)}. */
        public int node(int c, int y, int x) {
            Objects.checkIndex(c, channels);
            Objects.checkIndex(y, height);
            Objects.checkIndex(x, width);
            return (c * height + y) * width + x;
        }

        public int channelOf(int node) {
            return node / plane();
        }

        public int rowOf(int node) {
            return node % plane() / width;
        }

        public int columnOf(int node) {
            return node % width;
        }

        /** {@code "conv1(c0,y1,x2)"}. */
        public String describe(int node) {
            return name + "(c" + channelOf(node) + ",y" + rowOf(node) + ",x" + columnOf(node) + ")";
        }
    }

    /** What a path contributes: the product over its edges of one factor per edge. */
    public enum Quantity {
        /** {@code w_e}: Definition 1, eq. 1 (networks without biases). */
        WEIGHTS,
        /** {@code w_e a_e / (a_e + b_e)} with {@code a_e} the activation of e's target: Lemma 3, eq. 3. */
        PHI,
        /** {@code a_e}, the activation of e's target: Theorem 1, eq. 4 (without the constant c). */
        VBP,
        /** 1: the number of paths. */
        COUNT
    }

    /**
     * How a neuron's activation follows from its pre-activation {@code z(v) - b_v}: the ReLU {@code max(0, .)} for
     * numbers ({@link #relu}); for symbolic values, whose sign is not defined, a fixed on/off pattern ({@link #pattern}:
     * a unit that is on passes {@code z - b}, one that is off gives 0), so that the forward pass is a rational function
     * of the weights, biases and inputs wherever the network realizes that pattern.
     *
     * @param <T> the number type
     */
    @FunctionalInterface
    public interface Activation<T> {
        /** {@code a(v)} of {@code node} of part {@code layer} (1 .. L) from {@code z(v) - b_v}. */
        T apply(int layer, int node, T preActivation);

        /** The ReLU, {@code max(0, x)}, decided by the field's sign. */
        static <T> Activation<T> relu(Field<T> field) {
            return (l, v, x) -> field.relu(x);
        }

        /** {@code on(l, v) ? x : 0}: the ReLU with its decisions fixed in advance. */
        static <T> Activation<T> pattern(Field<T> field, UnitPattern on) {
            return (l, v, x) -> on.isOn(l, v) ? x : field.zero();
        }
    }

    /** Which units are on: a ReLU pattern for {@link Activation#pattern}. */
    @FunctionalInterface
    public interface UnitPattern {
        /** True when neuron {@code node} of part {@code layer} (1 .. L) is on. */
        boolean isOn(int layer, int node);
    }

    /** A value per neuron or per edge of a layer, for {@link #withValues}. */
    @FunctionalInterface
    public interface Values<T> {
        /** The value of neuron (or edge) {@code index} of part (or layer) {@code layer}. */
        T at(int layer, int index);
    }

    /** Which neuron's activation Lemma 2's factor {@code c(e) = a_e / z(e)}, {@code e = (n1, n2)}, reads. */
    public enum Lemma2Reading {
        /** The activation of n2, the edge's target: what the proof of Lemma 2 and Lemma 3 need (docs/paper-notes.md, section 3). */
        TARGET,
        /** The activation of n1, the edge's source: the lemma as worded in the paper (the erratum). */
        SOURCE
    }

    private final Field<T> field;
    private final List<Part> parts;
    private final List<Window> windows;
    // per layer l = 1..L at index l-1: a max-pooling layer (only in graphs of free activations, see #ofFreeActivations)
    private final boolean[] pooled;
    private final Activation<T> activation;
    // per layer l = 1..L at index l-1; edges sorted by target, then source channel, then kernel position
    private final int[][] src;
    private final int[][] dst;
    private final int[][] kernelPos;
    private final List<T[]> weight;
    private final int[][] inStart;
    private final int[][] outStart;
    private final int[][] outEdges;
    // per part l = 0..L at index l (bias and z are null at 0); weight, bias, z and ratio are null in a graph of free
    // activations
    private final List<T[]> bias;
    private final List<T[]> z;
    private final List<T[]> a;
    // a(v)/z(v), computed on first use (symbolic graphs need it only for eq. 3 and Ñ, and it is their costliest step)
    private volatile List<T[]> ratio;

    private FlowGraph(Field<T> field, List<Part> parts, List<Window> windows, int[][][] geometry, List<T[]> weight,
                      List<T[]> bias, T[] input) {
        this(field, parts, windows, new boolean[windows.size()], geometry, weight, bias, input, Activation.relu(field), null);
    }

    /**
     * With {@code given} null: the forward pass from {@code input}, {@code weight} and {@code bias} through
     * {@code activation}. Otherwise {@code given} holds {@code a} of every part 0 .. L and nothing is computed.
     */
    private FlowGraph(Field<T> field, List<Part> parts, List<Window> windows, boolean[] pooled, int[][][] geometry,
                      List<T[]> weight, List<T[]> bias, T[] input, Activation<T> activation, List<T[]> given) {
        this.field = field;
        this.parts = List.copyOf(parts);
        this.windows = List.copyOf(windows);
        this.pooled = pooled.clone();
        this.activation = activation;
        int layers = windows.size();
        this.src = geometry[0];
        this.dst = geometry[1];
        this.kernelPos = geometry[2];
        this.inStart = geometry[3];
        this.outStart = new int[layers][];
        this.outEdges = new int[layers][];
        for (int l = 1; l <= layers; l++) {
            int n = parts.get(l - 1).size();
            int[] count = new int[n + 1];
            for (int s : src[l - 1]) {
                count[s + 1]++;
            }
            for (int i = 0; i < n; i++) {
                count[i + 1] += count[i];
            }
            int[] fill = count.clone();
            int[] edges = new int[src[l - 1].length];
            for (int e = 0; e < edges.length; e++) {
                edges[fill[src[l - 1][e]]++] = e;
            }
            outStart[l - 1] = count;
            outEdges[l - 1] = edges;
        }
        if (given != null) {
            List<T[]> as = new ArrayList<>();
            for (T[] v : given) {
                as.add(v.clone());
            }
            this.weight = null;
            this.bias = null;
            this.z = null;
            this.a = Collections.unmodifiableList(as);
            return;
        }
        this.weight = List.copyOf(weight);
        List<T[]> bs = new ArrayList<>();
        List<T[]> zs = new ArrayList<>();
        List<T[]> as = new ArrayList<>();
        bs.add(null);
        zs.add(null);
        as.add(input.clone());
        for (int l = 1; l <= layers; l++) {
            T[] w = weight.get(l - 1);
            T[] below = as.get(l - 1);
            int n = parts.get(l).size();
            T[] zl = field.newArray(n);
            T[] al = field.newArray(n);
            T[] bl = bias.get(l - 1);
            int[] start = inStart[l - 1];
            int[] s = src[l - 1];
            for (int v = 0; v < n; v++) {
                T sum = field.zero();
                for (int e = start[v]; e < start[v + 1]; e++) {
                    sum = field.add(sum, field.multiply(w[e], below[s[e]]));
                }
                zl[v] = sum;
                al[v] = activation.apply(l, v, field.subtract(sum, bl[v]));
            }
            bs.add(bl.clone());
            zs.add(zl);
            as.add(al);
        }
        this.bias = Collections.unmodifiableList(bs);
        this.z = Collections.unmodifiableList(zs);
        this.a = Collections.unmodifiableList(as);
    }

    /** {@code a(v) / z(v)} with {@code x/0 := 0} per part (null at 0), computed once, on first use. */
    private List<T[]> ratios() {
        List<T[]> r = ratio;
        if (r == null) {
            synchronized (this) {
                r = ratio;
                if (r == null) {
                    checkComputed("a(v) / z(v)");
                    List<T[]> rs = new ArrayList<>();
                    rs.add(null);
                    for (int l = 1; l < a.size(); l++) {
                        T[] rl = field.newArray(a.get(l).length);
                        for (int v = 0; v < rl.length; v++) {
                            rl[v] = field.ratio(a.get(l)[v], z.get(l)[v]);
                        }
                        rs.add(rl);
                    }
                    r = Collections.unmodifiableList(rs);
                    ratio = r;
                }
            }
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------ construction

    /** The flow graph in double precision. See {@link #of(Network, Tensor, Field)}. */
    public static FlowGraph<Double> of(Network network, Tensor input) {
        return of(network, input, Field.DOUBLE);
    }

    /** The flow graph of a {@link SmallNet} on its input. */
    public static <T> FlowGraph<T> of(SmallNet net, Field<T> field) {
        return of(net.network(), net.input(), field);
    }

    /**
     * The flow graph of {@code network} on {@code input}, every value taken exactly into {@code field} and the forward
     * pass computed there (in {@link Field#RATIONAL}: exactly, ReLU decisions included).
     *
     * <p>The network's feature extractor is read from the input up to the ReLU of its last conv layer; layers after it
     * (Flatten, Dense, ...) play no part. Allowed before that: {@link Conv2d} and {@link LocallyConnected2d} each
     * followed by a {@link ReLU} (BatchNorm2d or Dropout may sit between them), BatchNorm2d and Dropout between blocks.
     *
     * @param input one sample, {@code 1 x C x H x W}; not modified
     * @throws UnsupportedNetworkException for pooling (Section 4 assumes none), a conv without ReLU, a ReLU without a
     *                                     conv, or any other layer in the feature extractor
     * @throws ShapeException              when the input does not fit the network or holds more than one sample
     */
    public static <T> FlowGraph<T> of(Network network, Tensor input, Field<T> field) {
        Objects.requireNonNull(field, "field");
        network.checkInput(input);
        Shape in = input.shape();
        if (in.n() != 1) {
            throw new ShapeException("the flow graph is built for one input sample, got a batch of " + in.n() + " (input shape " + in + ")");
        }
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(0, "input", in.c(), in.h(), in.w()));
        List<Window> windows = new ArrayList<>();
        List<int[][]> geoms = new ArrayList<>();
        List<T[]> weights = new ArrayList<>();
        List<T[]> biases = new ArrayList<>();
        T[] pendingScale = null; // BatchNorm before the next conv
        T[] pendingShift = null;
        // the conv whose ReLU has not come yet
        int[][] openGeom = null;
        T[] openW = null;
        T[] openK = null; // constant term of z before the ReLU: minus the paper's b_v
        Part openPart = null;
        String openName = null;
        for (int i = 0; i < network.size(); i++) {
            Layer layer = network.layer(i);
            String name = network.name(i);
            if (layer instanceof BatchNorm2d) {
                float[][] af = ((BatchNorm2d) layer).evalAffine();
                T[] sc = exact(field, af[0]);
                T[] sh = exact(field, af[1]);
                if (openPart != null) {
                    // between a conv and its ReLU: scale the conv's output channel
                    int plane = openPart.plane();
                    int[] d = openGeom[1];
                    for (int e = 0; e < d.length; e++) {
                        openW[e] = field.multiply(openW[e], sc[d[e] / plane]);
                    }
                    for (int v = 0; v < openK.length; v++) {
                        int c = v / plane;
                        openK[v] = field.add(field.multiply(sc[c], openK[v]), sh[c]);
                    }
                } else if (pendingScale == null) {
                    pendingScale = sc;
                    pendingShift = sh;
                } else {
                    for (int c = 0; c < sc.length; c++) { // two in a row compose
                        pendingScale[c] = field.multiply(sc[c], pendingScale[c]);
                        pendingShift[c] = field.add(field.multiply(sc[c], pendingShift[c]), sh[c]);
                    }
                }
            } else if (layer instanceof Conv2d || layer instanceof LocallyConnected2d) {
                if (openPart != null) {
                    throw new UnsupportedNetworkException("the flow graph needs a ReLU after every conv layer: " + openName
                            + " is followed by " + name + " (" + layer.kind() + ") with no ReLU between them");
                }
                Part below = parts.get(parts.size() - 1);
                Window w = layer.window();
                int outC = layer instanceof Conv2d c ? c.outChannels() : ((LocallyConnected2d) layer).outChannels();
                Part p = new Part(parts.size(), name, outC, w.outH(below.height()), w.outW(below.width()));
                int[][] g = edges(below, p, w, false);
                float[] kw = layer instanceof Conv2d c ? c.weight().value().data() : ((LocallyConnected2d) layer).weight().value().data();
                float[] kb = layer instanceof Conv2d c && c.bias() != null ? c.bias().value().data() : null;
                boolean shared = layer instanceof Conv2d;
                int area = w.area();
                int cin = below.channels();
                T[] ew = field.newArray(g[0].length);
                T[] k = field.newArray(p.size());
                for (int v = 0; v < p.size(); v++) {
                    k[v] = kb == null ? field.zero() : field.fromDouble(kb[p.channelOf(v)]);
                }
                for (int e = 0; e < ew.length; e++) {
                    int ci = below.channelOf(g[0][e]);
                    int co = p.channelOf(g[1][e]);
                    int row = shared ? co : g[1][e];
                    T raw = field.fromDouble(kw[(row * cin + ci) * area + g[2][e]]);
                    if (pendingScale != null) {
                        ew[e] = field.multiply(raw, pendingScale[ci]);
                        k[g[1][e]] = field.add(k[g[1][e]], field.multiply(raw, pendingShift[ci]));
                    } else {
                        ew[e] = raw;
                    }
                }
                pendingScale = null;
                pendingShift = null;
                openGeom = g;
                openW = ew;
                openK = k;
                openPart = p;
                openName = name;
                windows.add(w);
            } else if (layer instanceof ReLU) {
                if (openPart == null) {
                    throw new UnsupportedNetworkException("the flow graph reads ReLUs only after a conv layer: " + name
                            + " follows " + (i == 0 ? "the input" : network.name(i - 1)));
                }
                T[] b = field.newArray(openK.length);
                for (int v = 0; v < b.length; v++) {
                    b[v] = field.negate(openK[v]);
                }
                parts.add(openPart);
                geoms.add(openGeom);
                weights.add(openW);
                biases.add(b);
                openPart = null;
            } else if (layer instanceof Dropout) {
                // identity in evaluation mode
            } else if (layer instanceof MaxPool2d) {
                throw new UnsupportedNetworkException("the flow graph of Section 4 has no pooling (the paper "
                    + "assumes none): " + name + " (" + layer + ")");
            } else if (layer instanceof Flatten || layer instanceof Dense) {
                if (openPart != null || parts.size() == 1) {
                    throw new UnsupportedNetworkException("the flow graph needs a conv layer followed by a ReLU before "
                            + name + " (" + layer.kind() + ")");
                }
                i = network.size(); // the classifier or regressor on top plays no part
            } else {
                throw new UnsupportedNetworkException("the flow graph cannot go through " + name + " (" + layer.kind()
                    + "): its feature extractor may hold Conv2d, LocallyConnected2d, ReLU, BatchNorm2d and Dropout");
            }
        }
        if (openPart != null) {
            throw new UnsupportedNetworkException("the flow graph needs a ReLU after every conv layer: " + openName + " has none");
        }
        if (parts.size() == 1) {
            throw new UnsupportedNetworkException("the flow graph needs at least one conv layer followed by a ReLU (" + network + ")");
        }
        T[] x = exact(field, input.data());
        return new FlowGraph<>(field, parts, windows, stack(geoms), weights, biases, x);
    }

    private static <T> T[] exact(Field<T> field, float[] v) {
        T[] out = field.newArray(v.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = field.fromDouble(v[i]);
        }
        return out;
    }

    private static int[][][] stack(List<int[][]> geoms) {
        int n = geoms.size();
        int[][][] out = new int[4][n][];
        for (int l = 0; l < n; l++) {
            for (int k = 0; k < 4; k++) {
                out[k][l] = geoms.get(l)[k];
            }
        }
        return out;
    }

    /**
     * The graph of {@code network}'s geometry with every activation a free value, for symbolic proofs: Theorem 1 as an
     * identity of polynomials in the activations (VisualBackProp never reads the weights, so when both
     * sides agree as polynomials in free activations they agree for every weight, bias and input). The parts and edges
     * are those of {@link #of(Network, Tensor, Field)} (the same {@link Window} walk); nothing is computed forward, so
     * the graph has no weights, biases or pre-activations ({@link #factor} answers only {@link Quantity#VBP} and
     * {@link Quantity#COUNT}).
     *
     * <p>Max-pooling layers, which Section 4 does not have, are allowed here because VisualBackProp goes back through
     * them ({@code VbpPlan}): a pool layer is a part of its own whose edges join each neuron to the pool outputs whose
     * window covers it <em>in the same channel</em>, and whose neurons carry the value 1 (no activation, no channel
     * mean: VisualBackProp scales up through a pool window with no product). So with pools, {@code phi_VBP} is the sum
     * over paths of the products of the conv layers' activations, every window position counted (not only the max's
     * winner), and {@code c} is the product of {@code 1/f_l} over the conv layers only.
     *
     * @param variables the values of every neuron of the input part and of each conv part (called with the part; a
     *                  pool part is not asked), {@code part.size()} of them in neuron order
     * @throws UnsupportedNetworkException for layers other than Conv2d, ReLU, MaxPool2d, Dropout before the first
     *                                     Flatten or Dense, a conv without its ReLU, or no conv at all
     */
    public static <T> FlowGraph<T> ofFreeActivations(Network network, Field<T> field, java.util.function.Function<Part, T[]> variables) {
        Objects.requireNonNull(field, "field");
        Shape in = network.inputShape();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(0, "input", in.c(), in.h(), in.w()));
        List<Window> windows = new ArrayList<>();
        List<int[][]> geoms = new ArrayList<>();
        List<Boolean> pools = new ArrayList<>();
        Part open = null;
        int[][] openGeom = null;
        loop:
        for (int i = 0; i < network.size(); i++) {
            Layer layer = network.layer(i);
            String name = network.name(i);
            Part below = parts.get(parts.size() - 1);
            if (layer instanceof Conv2d) {
                if (open != null) {
                    throw new UnsupportedNetworkException("the flow graph needs a ReLU after every conv layer: " + open.name()
                            + " is followed by " + name);
                }
                Window w = layer.window();
                open = new Part(parts.size(), name, ((Conv2d) layer).outChannels(), w.outH(below.height()), w.outW(below.width()));
                openGeom = edges(below, open, w, false);
                windows.add(w);
            } else if (layer instanceof ReLU) {
                if (open == null) {
                    throw new UnsupportedNetworkException("the flow graph reads ReLUs only after a conv layer: " + name);
                }
                parts.add(open);
                geoms.add(openGeom);
                pools.add(false);
                open = null;
            } else if (layer instanceof MaxPool2d) {
                if (open != null) {
                    throw new UnsupportedNetworkException("the flow graph needs a ReLU after every conv layer: " + open.name()
                            + " is followed by " + name);
                }
                Window w = layer.window();
                Part p = new Part(parts.size(), name, below.channels(), w.outH(below.height()), w.outW(below.width()));
                parts.add(p);
                geoms.add(edges(below, p, w, true));
                windows.add(w);
                pools.add(true);
            } else if (layer instanceof Dropout) {
                // identity in evaluation mode
            } else if (layer instanceof Flatten || layer instanceof Dense) {
                break loop;
            } else {
                throw new UnsupportedNetworkException("the flow graph of free activations cannot go through " + name
                    + " (" + layer.kind() + "): its feature extractor may hold Conv2d, ReLU, MaxPool2d and Dropout");
            }
        }
        if (open != null) {
            throw new UnsupportedNetworkException("the flow graph needs a ReLU after every conv layer: " + open.name() + " has none");
        }
        // pool layers after the last conv play no part (as in VbpPlan)
        while (!pools.isEmpty() && pools.get(pools.size() - 1)) {
            int last = pools.size() - 1;
            pools.remove(last);
            geoms.remove(last);
            windows.remove(last);
            parts.remove(parts.size() - 1);
        }
        if (parts.size() == 1) {
            throw new UnsupportedNetworkException("the flow graph needs at least one conv layer followed by a ReLU (" + network + ")");
        }
        boolean[] pooled = new boolean[pools.size()];
        List<T[]> given = new ArrayList<>();
        for (Part p : parts) {
            T[] v;
            if (p.index() > 0 && pools.get(p.index() - 1)) {
                v = field.newArray(p.size());
                java.util.Arrays.fill(v, field.one());
                pooled[p.index() - 1] = true;
            } else {
                v = variables.apply(p);
                if (v.length != p.size()) {
                    throw new IllegalArgumentException("part " + p.name() + " has " + p.size() + " neurons, got " + v.length + " values");
                }
            }
            given.add(v);
        }
        return new FlowGraph<>(field, parts, windows, pooled, stack(geoms), null, null, null, null, given);
    }

    /**
     * The same graph (parts and edges) with other values, possibly in another field, and its forward pass run afresh:
     * {@code a(v) = activation(z(v) - b_v)}, {@code z(v) = sum over v's edges of w_e a(source)}. With
     * {@link Field} values that are polynomials or rational functions in the weights, biases and inputs and an
     * {@link Activation#pattern}, every activation is a rational function: Lemmas 2 and 3 then become identities to
     * check symbolically for that pattern.
     *
     * @param input   {@code v(X)} per input neuron
     * @param weights {@code w_e} per layer l (1 .. L) and edge (numbered as {@link #edgeSource})
     * @param biases  the paper's {@code b_v} per part l (1 .. L) and neuron
     * @throws IllegalStateException for a graph with pooling layers
     */
    public <U> FlowGraph<U> withValues(Field<U> f, U[] input, Values<U> weights, Values<U> biases, Activation<U> activation) {
        for (boolean p : pooled) {
            if (p) {
                throw new IllegalStateException("the forward pass of a flow graph has no pooling (Section 4 has none): " + describe());
            }
        }
        if (input.length != part(0).size()) {
            throw new IllegalArgumentException("the input part has " + part(0).size() + " neurons, got " + input.length + " values");
        }
        List<U[]> ws = new ArrayList<>();
        List<U[]> bs = new ArrayList<>();
        for (int l = 1; l <= depth(); l++) {
            U[] w = f.newArray(edgeCount(l));
            for (int e = 0; e < w.length; e++) {
                w[e] = Objects.requireNonNull(weights.at(l, e), "weight");
            }
            ws.add(w);
            U[] b = f.newArray(part(l).size());
            for (int v = 0; v < b.length; v++) {
                b[v] = Objects.requireNonNull(biases.at(l, v), "bias");
            }
            bs.add(b);
        }
        int[][][] geometry = {src, dst, kernelPos, inStart};
        return new FlowGraph<>(f, parts, windows, pooled, geometry, ws, bs, input.clone(), activation, null);
    }

    /** True when layer {@code l} (1 .. L) is a max-pooling layer (only in a graph of {@link #ofFreeActivations}). */
    public boolean isPool(int l) {
        return pooled[checkLayer(l) - 1];
    }

    /** True when the activations were given, not computed ({@link #ofFreeActivations}). */
    public boolean hasFreeActivations() {
        return weight == null;
    }

    private void checkComputed(String what) {
        if (weight == null) {
            throw new IllegalStateException(what + " is not defined in a graph of free activations (nothing was computed "
                    + "forward): " + describe());
        }
    }

    /**
     * The edges from {@code below} to {@code above} through window {@code w}: for every target {@code (co, oy, ox)},
     * every source channel (only {@code co} itself when {@code channelWise}, as in pooling), every kernel position
     * {@code (ky, kx)} that {@link Window#inputStartH}/{@code W} place inside the input. Returns {source, target,
     * kernel position ky*kw+kx, in-edge start per target}.
     */
    private static int[][] edges(Part below, Part above, Window w, boolean channelWise) {
        int kh = w.kernelH();
        int kw = w.kernelW();
        int n = above.size();
        int cin = channelWise ? 1 : below.channels();
        int[] start = new int[n + 1];
        int count = 0;
        for (int v = 0; v < n; v++) {
            int oy = above.rowOf(v);
            int ox = above.columnOf(v);
            int rows = 0;
            int cols = 0;
            for (int ky = 0; ky < kh; ky++) {
                int iy = w.inputStartH(oy) + ky;
                rows += iy >= 0 && iy < below.height() ? 1 : 0;
            }
            for (int kx = 0; kx < kw; kx++) {
                int ix = w.inputStartW(ox) + kx;
                cols += ix >= 0 && ix < below.width() ? 1 : 0;
            }
            count += rows * cols * cin;
            start[v + 1] = count;
        }
        int[] s = new int[count];
        int[] d = new int[count];
        int[] k = new int[count];
        int e = 0;
        for (int v = 0; v < n; v++) {
            int oy = above.rowOf(v);
            int ox = above.columnOf(v);
            for (int c = 0; c < cin; c++) {
                int ci = channelWise ? above.channelOf(v) : c;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = w.inputStartH(oy) + ky;
                    if (iy < 0 || iy >= below.height()) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = w.inputStartW(ox) + kx;
                        if (ix < 0 || ix >= below.width()) {
                            continue;
                        }
                        s[e] = below.node(ci, iy, ix);
                        d[e] = v;
                        k[e] = ky * kw + kx;
                        e++;
                    }
                }
            }
        }
        return new int[][] {s, d, k, start};
    }

    // ------------------------------------------------------------------------------------------ structure

    public Field<T> field() {
        return field;
    }

    /** The number of conv layers, L (in a graph of free activations: conv and pool layers, the layers of edges). */
    public int depth() {
        return windows.size();
    }

    /** The parts {@code A_0 .. A_L}. */
    public List<Part> parts() {
        return parts;
    }

    public Part part(int l) {
        return parts.get(l);
    }

    /** The window of conv layer {@code l} (1 .. L). */
    public Window window(int l) {
        return windows.get(checkLayer(l) - 1);
    }

    private int checkLayer(int l) {
        if (l < 1 || l > depth()) {
            throw new IndexOutOfBoundsException("conv layer " + l + " out of 1 .. " + depth());
        }
        return l;
    }

    /** Number of edges from {@code A_(l-1)} to {@code A_l}. */
    public int edgeCount(int l) {
        return src[checkLayer(l) - 1].length;
    }

    /** Total number of edges. */
    public long edgeCount() {
        long n = 0;
        for (int[] s : src) {
            n += s.length;
        }
        return n;
    }

    /** Source (in {@code A_(l-1)}) of edge {@code e} of layer {@code l}. */
    public int edgeSource(int l, int e) {
        return src[checkLayer(l) - 1][e];
    }

    /** Target (in {@code A_l}) of edge {@code e} of layer {@code l}. */
    public int edgeTarget(int l, int e) {
        return dst[checkLayer(l) - 1][e];
    }

    /** Weight {@code w_e} of edge {@code e} of layer {@code l} (BatchNorm folded in). */
    public T edgeWeight(int l, int e) {
        checkComputed("an edge weight");
        return weight.get(checkLayer(l) - 1)[e];
    }

    /** Kernel position {@code (ky, kx)} of edge {@code e} of layer {@code l}. */
    public int[] edgeKernelPosition(int l, int e) {
        int k = kernelPos[checkLayer(l) - 1][e];
        int kw = windows.get(l - 1).kernelW();
        return new int[] {k / kw, k % kw};
    }

    /** Number of neighbours of {@code node} of {@code A_l} in {@code A_(l+1)} (l = 0 .. L-1): Lemma 1's degree. */
    public int outDegree(int l, int node) {
        int[] s = outStart[checkLayer(l + 1) - 1];
        return s[node + 1] - s[node];
    }

    /** Number of neighbours of {@code node} of {@code A_l} in {@code A_(l-1)} (l = 1 .. L). */
    public int inDegree(int l, int node) {
        int[] s = inStart[checkLayer(l) - 1];
        return s[node + 1] - s[node];
    }

    /** The neighbours of {@code node} of {@code A_l} in {@code A_(l+1)}, in edge order. */
    public int[] successors(int l, int node) {
        int layer = checkLayer(l + 1) - 1;
        int[] out = new int[outDegree(l, node)];
        for (int i = 0; i < out.length; i++) {
            out[i] = dst[layer][outEdges[layer][outStart[layer][node] + i]];
        }
        return out;
    }

    /** The neighbours of {@code node} of {@code A_l} in {@code A_(l-1)}, in edge order. */
    public int[] predecessors(int l, int node) {
        int layer = checkLayer(l) - 1;
        int[] out = new int[inDegree(l, node)];
        for (int i = 0; i < out.length; i++) {
            out[i] = src[layer][inStart[layer][node] + i];
        }
        return out;
    }

    /** The edges (numbers within layer l+1) leaving {@code node} of {@code A_l}. */
    public int[] outEdges(int l, int node) {
        int layer = checkLayer(l + 1) - 1;
        int from = outStart[layer][node];
        return java.util.Arrays.copyOfRange(outEdges[layer], from, outStart[layer][node + 1]);
    }

    // ------------------------------------------------------------------------------------------ values

    /** {@code a(v)}: the input value {@code v(X)} in {@code A_0}, the ReLU output elsewhere. */
    public T activation(int l, int node) {
        return a.get(l)[node];
    }

    /** All activations of part {@code l} (a copy). */
    public T[] activations(int l) {
        return a.get(l).clone();
    }

    /** {@code z(v) = sum_e w_e a(source)}, the weighted input without the bias (l >= 1). */
    public T preActivation(int l, int node) {
        checkComputed("z(v)");
        return z.get(checkLayer(l))[node];
    }

    /** The paper's {@code b_v}: {@code a(v) = max(0, z(v) - b_v)}, minus the conv bias (l >= 1). */
    public T bias(int l, int node) {
        checkComputed("b_v");
        return bias.get(checkLayer(l))[node];
    }

    /** {@code a(v) / z(v)} with {@code x/0 := 0} (l >= 1): the factor Lemma 2 multiplies v's incoming edges by. */
    public T ratio(int l, int node) {
        checkComputed("a(v) / z(v)");
        return ratios().get(checkLayer(l))[node];
    }

    /** True when {@code a(v) = 0} (l >= 1): a dead node, crossed in Figure 4. */
    public boolean isDead(int l, int node) {
        return field.isZero(a.get(checkLayer(l))[node]);
    }

    /** Number of dead nodes in {@code A_1 .. A_L}. */
    public int deadCount() {
        int n = 0;
        for (int l = 1; l <= depth(); l++) {
            for (int v = 0; v < part(l).size(); v++) {
                n += isDead(l, v) ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Number of live nodes with {@code z(v) = 0} (possible only where {@code b_v < 0}): there {@code a_e / (a_e + b_e)}
     * is undefined, so Lemma 2, eq. 3 and conservation do not apply. Zero whenever every {@code b_v >= 0}.
     */
    public int undefinedRatios() {
        checkComputed("z(v)");
        int n = 0;
        for (int l = 1; l <= depth(); l++) {
            T[] al = a.get(l);
            T[] zl = z.get(l);
            for (int v = 0; v < al.length; v++) {
                n += !field.isZero(al[v]) && field.isZero(zl[v]) ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * True when every {@code b_v >= 0} (BatchNorm shifts included): the paper's flow picture, where flow is only lost
     * in the nodes, so {@code 0 <= a_e / (a_e + b_e) <= 1}. Then no ratio is undefined and float32 computations of it
     * are well conditioned (with {@code b_v < 0}, a tiny {@code z} can meet a large {@code a}).
     */
    public boolean biasesNonNegative() {
        checkComputed("b_v");
        for (int l = 1; l <= depth(); l++) {
            for (T b : bias.get(l)) {
                if (field.signum(b) < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The activations of the conv layers {@code A_1 .. A_L} (pool parts left out), as {@code VisualBackProp.rawMask} reads them. */
    public List<T[]> convActivations() {
        List<T[]> out = new ArrayList<>();
        for (int l = 1; l <= depth(); l++) {
            if (!pooled[l - 1]) {
                out.add(a.get(l).clone());
            }
        }
        return out;
    }

    /** Theorem 1's constant for VisualBackProp with channel means: {@code c = prod_l 1 / f_l} over the conv layers. */
    public T vbpConstant() {
        T c = field.one();
        for (int l = 1; l <= depth(); l++) {
            if (!pooled[l - 1]) {
                c = field.divide(c, field.fromLong(part(l).channels()));
            }
        }
        return c;
    }

    /** {@code sum over v in A_L of a(v)}: the total flow reaching the sinks. */
    public T totalOutput() {
        T s = field.zero();
        for (T v : a.get(depth())) {
            s = field.add(s, v);
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ sums over paths

    /** The factor of edge e of layer l for quantity q (the product over a path's edges is its contribution). */
    public T factor(Quantity q, int l, int e) {
        int layer = checkLayer(l) - 1;
        int t = dst[layer][e];
        if (q == Quantity.WEIGHTS || q == Quantity.PHI) {
            checkComputed(q + "'s factor");
        }
        return switch (q) {
            case WEIGHTS -> weight.get(layer)[e];
            case PHI -> field.multiply(weight.get(layer)[e], ratios().get(l)[t]);
            case VBP -> a.get(l)[t];
            case COUNT -> field.one();
        };
    }

    /**
     * By dynamic programming, for every node of part {@code l}, the sum over the paths from it to {@code A_L} of the
     * product of {@code q}'s factors ({@code 1} at {@code A_L} itself): {@code g_L = 1},
     * {@code g_(l-1)(u) = sum over edges e = (u, v) of factor(e) g_l(v)}.
     */
    public T[] pathSumsFrom(Quantity q, int l) {
        if (l < 0 || l > depth()) {
            throw new IndexOutOfBoundsException("part " + l + " out of 0 .. " + depth());
        }
        if (q == Quantity.WEIGHTS || q == Quantity.PHI) {
            checkComputed(q + "'s factor");
        }
        T[] g = field.newArray(part(depth()).size());
        java.util.Arrays.fill(g, field.one());
        for (int k = depth(); k > l; k--) {
            int layer = k - 1;
            T[] node = field.newArray(g.length);
            for (int v = 0; v < g.length; v++) {
                node[v] = switch (q) {
                    case WEIGHTS, COUNT -> g[v];
                    case PHI -> field.multiply(ratios().get(k)[v], g[v]);
                    case VBP -> field.multiply(a.get(k)[v], g[v]);
                };
            }
            T[] below = field.newArray(part(k - 1).size());
            java.util.Arrays.fill(below, field.zero());
            int[] s = src[layer];
            int[] d = dst[layer];
            boolean weighted = q == Quantity.WEIGHTS || q == Quantity.PHI;
            T[] w = weighted ? weight.get(layer) : null;
            for (int e = 0; e < s.length; e++) {
                T term = weighted ? field.multiply(w[e], node[d[e]]) : node[d[e]];
                below[s[e]] = field.add(below[s[e]], term);
            }
            g = below;
        }
        return g;
    }

    /** By dynamic programming, for every input neuron X, {@code sum over paths P from X to A_L of prod_(e in P) factor(e)}. */
    public T[] pathSums(Quantity q) {
        return pathSumsFrom(q, 0);
    }

    /** The number of paths from every input neuron to {@code A_L}, exactly (dynamic programming over longs). */
    public long[] pathCounts() {
        long[] g = new long[part(depth()).size()];
        java.util.Arrays.fill(g, 1L);
        for (int k = depth(); k > 0; k--) {
            long[] below = new long[part(k - 1).size()];
            int[] s = src[k - 1];
            int[] d = dst[k - 1];
            for (int e = 0; e < s.length; e++) {
                below[s[e]] = Math.addExact(below[s[e]], g[d[e]]);
            }
            g = below;
        }
        return g;
    }

    /**
     * By a chain of sparse matrices (EJML, double precision): {@code M_l} is {@code |A_(l-1)| x |A_l|} with
     * {@code q}'s factor of edge (u, v) at (u, v); the product {@code M_1 M_2 ... M_L} holds at (X, v) the sum over the
     * paths from X to v, and its row sums are the path sums.
     */
    public double[] pathSumsBySparseMatrices(Quantity q) {
        DMatrixSparseCSC chain = pathMatrix(q);
        double[] out = new double[chain.numRows];
        for (int col = 0; col < chain.numCols; col++) {
            for (int i = chain.col_idx[col]; i < chain.col_idx[col + 1]; i++) {
                out[chain.nz_rows[i]] += chain.nz_values[i];
            }
        }
        return out;
    }

    /** The product {@code M_1 ... M_L} of {@link #pathSumsBySparseMatrices}: at (X, v) the sum over paths from X to v. */
    public DMatrixSparseCSC pathMatrix(Quantity q) {
        DMatrixSparseCSC chain = null;
        for (int l = 1; l <= depth(); l++) {
            DMatrixSparseCSC m = layerMatrix(q, l);
            if (chain == null) {
                chain = m;
            } else {
                DMatrixSparseCSC next = new DMatrixSparseCSC(chain.numRows, m.numCols, 0);
                CommonOps_DSCC.mult(chain, m, next);
                chain = next;
            }
        }
        return chain;
    }

    /** {@code M_l}: {@code |A_(l-1)| x |A_l|}, {@code q}'s factor of edge (u, v) at (u, v). */
    public DMatrixSparseCSC layerMatrix(Quantity q, int l) {
        int n = edgeCount(l);
        DMatrixSparseTriplet t = new DMatrixSparseTriplet(part(l - 1).size(), part(l).size(), n);
        for (int e = 0; e < n; e++) {
            t.addItem(src[l - 1][e], dst[l - 1][e], field.toDouble(factor(q, l, e)));
        }
        return DConvertMatrixStruct.convert(t, (DMatrixSparseCSC) null);
    }

    /**
     * Every path from input neuron {@code source} to {@code A_L}, lazily, in depth-first order (for tiny nets: their
     * number grows like the product of the degrees).
     */
    public Iterable<Path> paths(int source) {
        Objects.checkIndex(source, part(0).size());
        return () -> new PathIterator(source);
    }

    /** By enumerating {@link #paths(int)}: the sum over the paths from {@code source} of {@code q}'s products. */
    public T pathSumByEnumeration(Quantity q, int source) {
        T sum = field.zero();
        for (Path p : paths(source)) {
            sum = field.add(sum, p.product(q));
        }
        return sum;
    }

    /** By enumeration, the number of paths from {@code source} (for tiny nets). */
    public long countPathsByEnumeration(int source) {
        long n = 0;
        for (Iterator<Path> it = paths(source).iterator(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /** {@code v(X) * S_q(X)} for every input neuron, where {@code S_q} is {@link #pathSums(Quantity)}. */
    private T[] timesInput(T[] sums, T constant) {
        T[] x = a.get(0);
        T[] out = field.newArray(sums.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = field.multiply(constant, field.multiply(x[i], sums[i]));
        }
        return out;
    }

    /**
     * Lemma 3, eq. 3 (= Definition 2): {@code phi(X) = v(X) sum_P prod_(e in P) w_e a_e / (a_e + b_e)}, with
     * {@code a_e} the activation of e's target (so {@code a_e + b_e = z}) and {@code 0/0 := 0}; per input neuron.
     */
    public T[] phi() {
        return timesInput(pathSums(Quantity.PHI), field.one());
    }

    /** Theorem 1, eq. 4: {@code phi_VBP(X) = c v(X) sum_P prod_(e in P) a_e} with {@code c = prod_l 1/f_l}; per input neuron. */
    public T[] phiVbp() {
        return timesInput(pathSums(Quantity.VBP), vbpConstant());
    }

    /** Definition 1, eq. 1: {@code v(X) sum_P prod_(e in P) w_e} (meaningful for networks without biases). */
    public T[] phiDefinition1() {
        return timesInput(pathSums(Quantity.WEIGHTS), field.one());
    }

    // ------------------------------------------------------------------------------------------ Lemma 2

    /**
     * The bias-free network Ñ of Lemma 2 as a flow graph on the same input: every edge weight {@code w_e},
     * {@code e = (n1, n2)}, multiplied by {@code c(e) = a_e / z(e)} ({@code z(e) = z(n2)}, {@code x/0 := 0}), where
     * {@code a_e} is the activation of n2 ({@link Lemma2Reading#TARGET}, correct) or of n1
     * ({@link Lemma2Reading#SOURCE}, as the lemma is worded; for n1 in {@code A_0} its value {@code v(X)}). Its
     * forward pass is run afresh, with ReLUs and no biases.
     */
    public FlowGraph<T> reweighted(Lemma2Reading reading) {
        checkComputed("Ñ");
        List<T[]> ws = new ArrayList<>();
        List<T[]> bs = new ArrayList<>();
        for (int l = 1; l <= depth(); l++) {
            T[] w = weight.get(l - 1);
            T[] nw = field.newArray(w.length);
            for (int e = 0; e < w.length; e++) {
                int t = dst[l - 1][e];
                T c = reading == Lemma2Reading.TARGET ? ratios().get(l)[t]
                        : field.ratio(a.get(l - 1)[src[l - 1][e]], z.get(l)[t]);
                nw[e] = field.multiply(w[e], c);
            }
            ws.add(nw);
            T[] b = field.newArray(part(l).size());
            java.util.Arrays.fill(b, field.zero());
            bs.add(b);
        }
        int[][][] geometry = {src, dst, kernelPos, inStart};
        return new FlowGraph<>(field, parts, windows, pooled, geometry, ws, bs, a.get(0), activation, null);
    }

    /**
     * This graph as a core {@link Network} that runs forward: per conv layer a {@link LocallyConnected2d} holding the
     * edge weights (rounded to float32) and a ReLU; it has no biases, so it is meant for bias-free graphs such as
     * {@link #reweighted Ñ}.
     *
     * @throws IllegalStateException when some {@code b_v} is not zero
     */
    public Network toNetwork() {
        checkComputed("a network");
        for (int l = 1; l <= depth(); l++) {
            for (T b : bias.get(l)) {
                if (!field.isZero(b)) {
                    throw new IllegalStateException("toNetwork builds bias-free networks; " + part(l).name() + " has b_v = " + field.format(b));
                }
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (int l = 1; l <= depth(); l++) {
            Part below = part(l - 1);
            Part p = part(l);
            Window w = window(l);
            int area = w.area();
            float[] lw = new float[p.size() * below.channels() * area];
            T[] ew = weight.get(l - 1);
            for (int e = 0; e < ew.length; e++) {
                int ci = below.channelOf(src[l - 1][e]);
                lw[(dst[l - 1][e] * below.channels() + ci) * area + kernelPos[l - 1][e]] = (float) field.toDouble(ew[e]);
            }
            layers.add(LocallyConnected2d.withWeights(new Shape(1, below.channels(), below.height(), below.width()), p.channels(), w, lw));
            layers.add(ReLU.of());
        }
        Part in = part(0);
        return Network.of(new Shape(1, in.channels(), in.height(), in.width()), layers);
    }

    /** The input values as a float32 tensor {@code 1 x C x H x W}. */
    public Tensor inputTensor() {
        Part in = part(0);
        float[] v = new float[in.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) field.toDouble(a.get(0)[i]);
        }
        return Tensor.wrap(new Shape(1, in.channels(), in.height(), in.width()), v);
    }

    /** One line: field, depth, parts, edge and dead-node counts. */
    public String describe() {
        StringBuilder sb = new StringBuilder("FlowGraph(").append(field.name()).append(", L = ").append(depth());
        for (Part p : parts) {
            sb.append(", ").append(p.name()).append(' ').append(p.channels()).append('x').append(p.height()).append('x').append(p.width());
        }
        return sb.append(", ").append(edgeCount()).append(" edges, ").append(deadCount()).append(" dead)").toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    // ------------------------------------------------------------------------------------------ paths

    /** One path from an input neuron to {@code A_L}: a node in every part and the edges between them. */
    public final class Path {
        private final int[] nodes;
        private final int[] edges;

        private Path(int[] nodes, int[] edges) {
            this.nodes = nodes;
            this.edges = edges;
        }

        /** The node of the path in part {@code l} (0 .. L). */
        public int node(int l) {
            return nodes[l];
        }

        /** The edge of the path between parts {@code l-1} and {@code l} (l = 1 .. L), numbered within layer l. */
        public int edge(int l) {
            return edges[l - 1];
        }

        /** {@code prod_(e in P)} of {@code q}'s factor. */
        public T product(Quantity q) {
            T p = field.one();
            for (int l = 1; l <= depth(); l++) {
                p = field.multiply(p, factor(q, l, edges[l - 1]));
            }
            return p;
        }

        /** {@code "input(c0,y1,x1) -> conv1(c0,y0,x1) -> conv2(c1,y0,x0)"}. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(part(0).describe(nodes[0]));
            for (int l = 1; l < nodes.length; l++) {
                sb.append(" -> ").append(part(l).describe(nodes[l]));
            }
            return sb.toString();
        }
    }

    /** Depth-first, lazy: holds one position per layer. */
    private final class PathIterator implements Iterator<Path> {
        private final int[] nodes = new int[depth() + 1];
        private final int[] pos = new int[depth()]; // index into outEdges of the current edge per layer
        private boolean ready;
        private boolean done;

        PathIterator(int source) {
            nodes[0] = source;
            // descend along first edges
            done = !descend(0);
            ready = !done;
        }

        /** From part l downward along first edges; false when some node on the way has no out-edge. */
        private boolean descend(int l) {
            for (int k = l; k < depth(); k++) {
                int start = outStart[k][nodes[k]];
                if (start == outStart[k][nodes[k] + 1]) {
                    return advance(k); // dead end: try the next sibling above
                }
                pos[k] = start;
                nodes[k + 1] = dst[k][outEdges[k][start]];
            }
            return true;
        }

        /** Moves to the next edge at layer index k (or above, backtracking); false when none is left. */
        private boolean advance(int k) {
            while (k > 0) {
                k--;
                int next = pos[k] + 1;
                if (next < outStart[k][nodes[k] + 1]) {
                    pos[k] = next;
                    nodes[k + 1] = dst[k][outEdges[k][next]];
                    return descend(k + 1);
                }
            }
            return false;
        }

        @Override
        public boolean hasNext() {
            if (!ready && !done) {
                done = !advance(depth());
                ready = !done;
            }
            return ready;
        }

        @Override
        public Path next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = false;
            int[] e = new int[depth()];
            for (int k = 0; k < depth(); k++) {
                e[k] = outEdges[k][pos[k]];
            }
            return new Path(nodes.clone(), e);
        }
    }
}
