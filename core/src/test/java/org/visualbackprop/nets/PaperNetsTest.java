package org.visualbackprop.nets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * The paper's networks against its Tables 1 and 2 (Bojarski et al., "VisualBackProp", Section 5 and Section 11),
 * with the table values typed in from the paper. NetHVF's first row is read as 32 x 123 x 347, not the printed
 * 32 x 123 x 349: the later rows (173, 171, 85, ...) follow only from 347 (docs/paper-notes.md, section 2).
 */
class PaperNetsTest {
    /** Table 1, NetSVF column: channels x height x width of each conv layer's output. */
    private static final int[][] NETSVF = {
            {32, 123, 638}, {32, 61, 318}, {48, 59, 316}, {48, 29, 157}, {64, 27, 155},
            {64, 13, 77}, {96, 11, 75}, {96, 5, 37}, {128, 3, 35}, {128, 1, 17}};
    /** Table 1, NetHVF column (first row corrected from 349 to 347). */
    private static final int[][] NETHVF = {
            {32, 123, 347}, {32, 61, 173}, {48, 59, 171}, {48, 29, 85}, {64, 27, 83},
            {64, 13, 41}, {96, 11, 39}, {96, 5, 19}, {128, 3, 17}, {128, 1, 8}};
    /** Table 1: FC 1024, 512, 1. */
    private static final int[] DRIVING_FC = {1024, 512, 1};
    /** Table 2, the traffic-sign network. */
    private static final int[][] SIGNNET = {
            {16, 123, 123}, {16, 61, 61}, {24, 59, 59}, {24, 29, 29}, {32, 27, 27},
            {32, 13, 13}, {48, 11, 11}, {48, 5, 5}};
    /** Table 2: FC 64, 43. */
    private static final int[] SIGN_FC = {64, 43};

    private static void assertTable(Network net, int[][] convs, int[] fcs, String name) {
        List<Shape> shapes = net.shapes(1);
        List<int[]> convOut = new ArrayList<>();
        List<Integer> fcOut = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            Shape s = shapes.get(i);
            if (l instanceof Conv2d c) {
                convOut.add(new int[] {s.c(), s.h(), s.w()});
                // Tables: filter 3x3, strides 1x1, 2x2 alternating; each conv preceded by BatchNorm, followed by ReLU
                assertEquals(Window.of(3, convOut.size() % 2 == 1 ? 1 : 2, 0), c.window(), name + " " + net.name(i));
                assertTrue(net.layer(i - 1) instanceof BatchNorm2d, name + ": " + net.name(i) + " is not preceded by BatchNorm");
                assertTrue(net.layer(i + 1) instanceof ReLU, name + ": " + net.name(i) + " is not followed by ReLU");
            } else if (l instanceof Dense) {
                fcOut.add(s.c());
                boolean last = fcOut.size() == fcs.length;
                if (!last) {
                    assertTrue(net.layer(i + 1) instanceof ReLU, name + ": " + net.name(i) + " is not followed by ReLU");
                } else {
                    assertTrue(i + 1 == net.size() || !(net.layer(i + 1) instanceof ReLU),
                            name + ": the last FC layer must not be followed by ReLU");
                }
            }
        }
        assertEquals(convs.length, convOut.size(), name + ": number of conv layers");
        for (int i = 0; i < convs.length; i++) {
            assertEquals(List.of(convs[i][0], convs[i][1], convs[i][2]), List.of(convOut.get(i)[0], convOut.get(i)[1], convOut.get(i)[2]),
                    name + ": output of conv layer " + (i + 1));
        }
        assertEquals(fcs.length, fcOut.size(), name + ": number of FC layers");
        for (int i = 0; i < fcs.length; i++) {
            assertEquals(fcs[i], fcOut.get(i), name + ": output of FC layer " + (i + 1));
        }
    }

    @Test
    void netSvfMatchesTable1() {
        Network net = PaperNets.netSvf(1);
        assertEquals(new Shape(1, 1, 125, 640), net.inputShape());
        assertTable(net, NETSVF, DRIVING_FC, "NetSVF");
        assertEquals(Shape.vector(1, 1), net.outputShape(1));
    }

    @Test
    void netHvfMatchesTable1WithTheFirstRowReadAs347() {
        Network net = PaperNets.netHvf(1);
        assertEquals(new Shape(1, 1, 125, 349), net.inputShape());
        assertTable(net, NETHVF, DRIVING_FC, "NetHVF");
    }

    @Test
    void signNetMatchesTable2AndEndsInLogSoftmax() {
        Network net = PaperNets.signNet(1);
        assertEquals(new Shape(1, 3, 125, 125), net.inputShape());
        assertTable(net, SIGNNET, SIGN_FC, "SignNet");
        assertTrue(net.layer(net.size() - 1) instanceof LogSoftmax, "the last layer is LogSoftmax");
        assertEquals(Shape.vector(5, 43), net.outputShape(5));
    }

    @Test
    void theSameSeedBuildsTheSameWeightsAndAnotherSeedOthers() {
        Network a = PaperNets.signNet(7);
        Network b = PaperNets.signNet(7);
        Network c = PaperNets.signNet(8);
        boolean differs = false;
        for (int i = 0; i < a.parameters().size(); i++) {
            float[] x = a.parameters().get(i).value().data();
            assertTrue(java.util.Arrays.equals(x, b.parameters().get(i).value().data()), "seed 7 twice, parameter " + i);
            differs |= !java.util.Arrays.equals(x, c.parameters().get(i).value().data());
        }
        assertTrue(differs, "seeds 7 and 8 gave identical weights");
    }

    @Test
    void architecturesParseByNameAndListTheValidOnesOtherwise() {
        assertEquals(PaperNets.Architecture.NETHVF, PaperNets.Architecture.parse(" NetHVF "));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PaperNets.Architecture.parse("resnet"));
        assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("netsvf"), e.getMessage());
    }
}
