package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;

/** Layers called directly with tensors of the wrong shape, and training that goes wrong quietly. */
class LayerShapeCheckTest {

    @Test
    void everyLayerRefusesTensorsOfTheWrongShapeByName() {
        SplittableRandom r = new SplittableRandom(1);
        Tensor map = Tensor.zeros(new Shape(2, 3, 8, 8));
        List<Layer> mapLayers = List.of(Conv2d.of(3, 4, Window.of(3, 1), r), BatchNorm2d.of(3), ReLU.of(), Tanh.of(),
                MaxPool2d.of(Window.of(2, 2)), Flatten.of(), Dropout.of(0.5f, 1));
        for (Layer l : mapLayers) {
            Tensor wrong = Tensor.zeros(new Shape(1, 1, 1, 1));
            ShapeException e = assertThrows(ShapeException.class, () -> l.forward(map, wrong, Mode.EVAL), l.toString());
            assertTrue(e.getMessage().contains(l.toString()), e.getMessage());
            Tensor out = Tensor.zeros(l.outputShape(map.shape()));
            assertThrows(ShapeException.class, () -> l.backward(map, out, wrong, null, Mode.EVAL, false), l.toString());
            assertThrows(ShapeException.class, () -> l.backward(map, out, out, wrong, Mode.EVAL, false), l.toString());
        }
        Tensor vec = Tensor.zeros(Shape.vector(2, 5));
        for (Layer l : List.of(Dense.of(5, 3, r), LogSoftmax.of())) {
            assertThrows(ShapeException.class, () -> l.forward(vec, Tensor.zeros(Shape.vector(2, 7)), Mode.EVAL), l.toString());
        }
        ReLU relu = ReLU.of();
        assertThrows(ShapeException.class, () -> relu.forwardWithChannelMean(map, Tensor.zeros(map.shape()), Tensor.zeros(map.shape())));
    }

    @Test
    void batchStatisticsOfOneValuePerChannelAreRefused() {
        BatchNorm2d bn = BatchNorm2d.of(4);
        Tensor one = Tensor.zeros(Shape.vector(1, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(one, Tensor.zeros(one.shape()), Mode.TRAIN));
        assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
    }

    @Test
    void weightsThatBecomeNaNStopTrainingWithTheLayerNamed() {
        SplittableRandom r = new SplittableRandom(2);
        Dense d = Dense.of(4, 1, r);
        Network net = Network.of(Shape.vector(1, 4), d);
        Tensor x = Tensor.uniform(Shape.vector(8, 4), 10, 20, r);
        Tensor y = Tensor.uniform(Shape.vector(8, 1), 0, 1, r);
        // a learning rate so large that the one update of the one epoch overflows the weights while the loss it saw was finite
        Trainer t = new Trainer(net, Loss.mse(), Sgd.of(1e38, 0, 0), Trainer.Config.of(1, 8, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(Datasets.of(x, y, "toy"), null, null));
        assertTrue(e.getMessage().contains("fc1") && e.getMessage().contains("NaN or infinite"), e.getMessage());
    }
}
