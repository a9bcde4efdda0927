package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
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
import org.visualbackprop.tensor.Window;

/**
 * Which parts of a network VisualBackProp reads, and the windows it scales up through, derived once per network.
 *
 * <p>The feature extractor is the part before the first {@code Flatten} or {@code Dense}. Walking it from the input:
 * every {@code Conv2d} opens a <em>conv stage</em> whose averaged map is the channel mean of the output of the first
 * {@code ReLU} after it (shape-keeping {@code BatchNorm2d}/{@code Dropout} may sit between them); every
 * {@code MaxPool2d} is a <em>pool stage</em>: a window on the way back, with no map of its own (there is no ReLU).
 * Stages after the deepest conv stage play no part. The plan lists the stages from the input upwards.
 *
 * @param inputShape the network's input shape (batch 1)
 * @param stages     the stages, shallowest first; the last one is a conv stage
 */
public record VbpPlan(Shape inputShape, List<Stage> stages) {

    /**
     * One window on the way back.
     *
     * @param layer       index of the Conv2d or MaxPool2d layer in the network
     * @param name        its name ({@code "conv3"})
     * @param window      its geometry
     * @param inputShape  shape of the stage's input (batch 1): what the up-scaling returns to
     * @param outputShape shape of the stage's output (batch 1)
     * @param mapLayer    for conv stages, the index of the ReLU whose output is averaged; -1 for pool stages
     */
    public record Stage(int layer, String name, Window window, Shape inputShape, Shape outputShape, int mapLayer) {
        /** True for a conv stage (it has an averaged map). */
        public boolean isConv() {
            return mapLayer >= 0;
        }
    }

    public VbpPlan {
        stages = List.copyOf(stages);
    }

    /** Number of conv stages, the paper's L. */
    public int convCount() {
        int c = 0;
        for (Stage s : stages) {
            c += s.isConv() ? 1 : 0;
        }
        return c;
    }

    /** The conv stages, shallowest first. */
    public List<Stage> convStages() {
        List<Stage> out = new ArrayList<>();
        for (Stage s : stages) {
            if (s.isConv()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The plan of a network.
     *
     * @throws UnsupportedNetworkException when there is no conv layer, a conv has no ReLU after it, or the feature
     *                                     extractor holds a layer VisualBackProp cannot go back through
     */
    public static VbpPlan of(Network network) {
        List<Shape> shapes = network.shapes(1);
        List<Stage> stages = new ArrayList<>();
        int i = 0;
        int n = network.size();
        while (i < n) {
            Layer l = network.layer(i);
            if (l instanceof Flatten || l instanceof Dense) {
                break;
            }
            Shape in = i == 0 ? network.inputShape() : shapes.get(i - 1);
            if (l instanceof Conv2d) {
                int relu = -1;
                for (int j = i + 1; j < n; j++) {
                    Layer k = network.layer(j);
                    if (k instanceof ReLU) {
                        relu = j;
                        break;
                    }
                    if (!(k instanceof BatchNorm2d) && !(k instanceof Dropout)) {
                        throw new UnsupportedNetworkException("VisualBackProp needs a ReLU after every conv layer: "
                                + network.name(i) + " is followed by " + network.name(j) + " (" + k.kind() + ") before any ReLU");
                    }
                }
                if (relu < 0) {
                    throw new UnsupportedNetworkException("VisualBackProp needs a ReLU after every conv layer: "
                            + network.name(i) + " has none after it");
                }
                stages.add(new Stage(i, network.name(i), l.window(), in, shapes.get(i), relu));
                i = relu + 1;
            } else if (l instanceof MaxPool2d) {
                stages.add(new Stage(i, network.name(i), l.window(), in, shapes.get(i), -1));
                i++;
            } else if (l instanceof BatchNorm2d || l instanceof Dropout || l instanceof ReLU) {
                i++;
            } else {
                throw new UnsupportedNetworkException("VisualBackProp cannot go back through " + network.name(i)
                        + " (" + l.kind() + ") in the feature extractor: supported there are Conv2d, MaxPool2d, BatchNorm2d, ReLU and Dropout");
            }
        }
        int last = stages.size() - 1;
        while (last >= 0 && !stages.get(last).isConv()) {
            last--;
        }
        if (last < 0) {
            throw new UnsupportedNetworkException("VisualBackProp needs at least one conv layer followed by a ReLU before "
                    + "the first Flatten/Dense; this network has none (" + network + ")");
        }
        return new VbpPlan(network.inputShape(), stages.subList(0, last + 1));
    }
}
