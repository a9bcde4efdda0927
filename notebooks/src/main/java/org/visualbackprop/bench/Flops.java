package org.visualbackprop.bench;

import java.util.List;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/** Floating-point operations of a forward pass: 2 per multiply-add of the conv and dense layers (the usual count). */
public final class Flops {
    private Flops() {
    }

    /** Operations of one sample's forward pass. */
    public static double forward(Network net) {
        List<Shape> shapes = net.shapes(1);
        double f = 0;
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            if (l instanceof Conv2d c) {
                f += 2.0 * shapes.get(i).sampleSize() * c.inChannels() * c.window().area();
            } else if (l instanceof Dense d) {
                f += 2.0 * d.inFeatures() * d.outFeatures();
            }
        }
        return f;
    }
}
