package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.train.Batch;
import org.visualbackprop.train.Datasets;

class TrafficSignsTest {

    @Test
    void fortyThreeDistinctClassesInGtsrbOrder() {
        assertEquals(43, SignClass.values().length);
        assertEquals(SignClass.COUNT, SignClass.values().length);
        for (int id = 0; id < 43; id++) {
            assertEquals(id, SignClass.of(id).id());
        }
        assertEquals(SignClass.STOP, SignClass.of(14));
        assertEquals(SignClass.Shape.OCTAGON, SignClass.STOP.shape());
        assertEquals(SignClass.Shape.INVERTED_TRIANGLE, SignClass.YIELD.shape());
        assertEquals(SignClass.Shape.DIAMOND, SignClass.PRIORITY_ROAD.shape());
        assertEquals(SignClass.Kind.MANDATORY, SignClass.of(40).kind());
        assertEquals(SignClass.Kind.END_OF_RESTRICTION, SignClass.of(42).kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignClass.of(43));
        assertTrue(e.getMessage().contains("43"), e.getMessage());
    }

    @Test
    void classesAreExactlyBalancedAndTargetsAreTheClassIds() {
        TrafficSigns d = TrafficSigns.of(3, 43 * 3);
        int[] count = new int[43];
        float[] x = new float[d.inputShape().size()];
        float[] t = new float[1];
        for (int i = 0; i < d.size(); i++) {
            d.load(i, x, 0, t, 0);
            assertEquals(d.signClass(i).id(), (int) t[0]);
            count[(int) t[0]]++;
        }
        for (int c = 0; c < 43; c++) {
            assertEquals(3, count[c], "class " + c);
        }
    }

    @Test
    void shapesAndValueRange() {
        TrafficSigns d = TrafficSigns.of(1, 50);
        assertEquals(new Shape(1, 3, 125, 125), d.inputShape());
        assertEquals(new Shape(1, 1, 1, 1), d.targetShape());
        for (int i = 0; i < 50; i++) {
            TrafficSigns.SignSample s = d.sample(i);
            assertEquals(new Shape(1, 3, 125, 125), s.image().shape());
            assertEquals(new Shape(1, 1, 125, 125), s.mask().shape());
            for (float v : s.image().data()) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
            }
            for (float v : s.mask().data()) {
                assertTrue(v == 0 || v == 1, "mask value " + v);
            }
        }
    }

    @Test
    void sameSeedAndIndexGiveIdenticalSamplesAlsoInParallel() {
        TrafficSigns a = TrafficSigns.of(8, 20);
        TrafficSigns b = TrafficSigns.of(8, 20);
        Batch batch = Datasets.batch(a, 0, 20);
        float[] x = new float[a.inputShape().size()];
        float[] t = new float[1];
        for (int i = 0; i < 20; i++) {
            b.load(i, x, 0, t, 0);
            assertArrayEquals(x, Arrays.copyOfRange(batch.inputs().data(), i * x.length, (i + 1) * x.length), "sample " + i);
            assertArrayEquals(x, a.sample(i).image().data());
        }
        assertFalse(Arrays.equals(a.sample(0).image().data(), TrafficSigns.of(9, 1).sample(0).image().data()));
    }

    @Test
    void masksCoverAPlausibleShareOfThePicture() {
        TrafficSigns d = TrafficSigns.of(4, 43 * 2);
        for (int i = 0; i < d.size(); i++) {
            double area = d.sample(i).mask().sum() / (125.0 * 125.0);
            // diameter 45% to 90% of the side; a triangle covers less than a circle
            assertTrue(area > 0.06 && area < 0.7, "sample " + i + " (" + d.signClass(i) + "): mask area " + area);
        }
    }

    @Test
    void signColoursLieInsideTheMask() {
        Set<SignClass> blue = EnumSet.range(SignClass.TURN_RIGHT, SignClass.ROUNDABOUT);
        Set<SignClass> red = EnumSet.of(SignClass.STOP, SignClass.NO_ENTRY);
        int ok = 0;
        int n = 0;
        for (int v = 0; v < 10; v++) {
            for (SignClass c : SignClass.values()) {
                boolean isBlue = blue.contains(c);
                if (!isBlue && !red.contains(c)) {
                    continue;
                }
                TrafficSigns.SignSample s = TrafficSigns.render(c, 5, v);
                double in = colourExcess(s, isBlue, true);
                double out = colourExcess(s, isBlue, false);
                n++;
                if (in > out) {
                    ok++;
                }
            }
        }
        assertTrue(ok >= 0.85 * n, ok + " of " + n + " signs have their colour inside the mask more than outside");
    }

    /** Mean of (blue - red) (or red - blue) over the pixels inside or outside the mask. */
    private static double colourExcess(TrafficSigns.SignSample s, boolean blue, boolean inside) {
        float[] img = s.image().data();
        float[] m = s.mask().data();
        int plane = 125 * 125;
        double sum = 0;
        int n = 0;
        for (int i = 0; i < plane; i++) {
            if ((m[i] == 1) == inside) {
                double d = img[2 * plane + i] - img[i];
                sum += blue ? d : -d;
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void everyClassDrawsSomethingDifferent() {
        // with the same variation draw, two classes differ inside the mask
        for (int c = 1; c < 43; c++) {
            float[] a = TrafficSigns.render(SignClass.of(c - 1), 1, 0).image().data();
            float[] b = TrafficSigns.render(SignClass.of(c), 1, 0).image().data();
            assertFalse(Arrays.equals(a, b), "classes " + (c - 1) + " and " + c);
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> TrafficSigns.of(1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> TrafficSigns.of(1, 5).sample(5));
        assertTrue(TrafficSigns.of(12, 5).describe().contains("12"));
    }
}
