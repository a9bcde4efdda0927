package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassifierFiguresTest {
    private static final ClassifierFigures.Config TINY = new ClassifierFigures.Config(43, 43, 1, 16, 0.03, 5, 2);

    private static ClassifierFigures signs;

    @BeforeAll
    static void train() {
        signs = ClassifierFigures.signs(TINY);
    }

    @Test
    void quickSizesAreChosenByTheEnvironmentVariable() {
        assertEquals(ClassifierFigures.Config.signsQuick(), ClassifierFigures.Config.signsFromEnvironment(Map.of("VBP_QUICK", "1")));
        assertEquals(ClassifierFigures.Config.signsFull(), ClassifierFigures.Config.signsFromEnvironment(Map.of()));
        assertEquals(ClassifierFigures.Config.fashionQuick(), ClassifierFigures.Config.fashionFromEnvironment(Map.of("VBP_QUICK", "yes")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClassifierFigures.Config(10, 4, 1, 8, 0.1, 5, 1));
        assertTrue(e.getMessage().contains("5 sets shown"), e.getMessage());
    }

    @Test
    void signsReportAccuracyAndWhereTheMasksLie() {
        assertTrue(signs.accuracy() >= 0 && signs.accuracy() <= 1, "accuracy " + signs.accuracy());
        assertEquals(1.0 / 43, signs.chance(), 1e-12);
        ClassifierFigures.Focus f = signs.focus();
        assertTrue(f.samples() > 0 && f.samples() <= 43, "samples " + f.samples());
        assertTrue(f.area() > 0.1 && f.area() < 0.9, "the sign covers " + f.area());
        assertTrue(f.vbpMass() >= 0 && f.vbpMass() <= 1 && f.lrpMass() >= 0 && f.lrpMass() <= 1, f.toString());
        String s = signs.summary();
        assertTrue(s.contains("chance 2.3%") && s.contains("the sign covers"), s);
    }

    @Test
    void theFigureShowsSetsOfInputAndTwoMasksTwoToARow() {
        BufferedImage img = signs.figure();
        assertEquals(4 + 6 * (250 + 4), img.getWidth(), "two sets of three 125-pixel pictures at twice their size");
        assertTrue(img.getHeight() >= 3 * 250, "five sets make three rows: " + img.getHeight());
    }

    @Test
    void fashionMnistTrainsWhenInstalled() throws Exception {
        Assumptions.assumeTrue(ClassifierFigures.fashionMnistInstalled(), ClassifierFigures::fashionAbsentNote);
        ClassifierFigures f = ClassifierFigures.fashionMnist(new ClassifierFigures.Config(300, 60, 1, 32, 0.03, 4, 1));
        assertTrue(f.accuracy() > 0.2, "a few hundred Fashion-MNIST pictures already beat chance (10%): " + f.accuracy());
        assertTrue(f.focus().area() > 0.2 && f.focus().area() < 0.8, "garment area " + f.focus().area());
        assertEquals(4 + 6 * (6 * 28 + 4), f.figure().getWidth());
    }
}
