package org.visualbackprop.flowgraph.symbolic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.jas.arith.BigRational;
import edu.jas.poly.GenPolynomial;
import edu.jas.poly.PolyUtil;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.flowgraph.Rational;

/** Polynomial and rational-function arithmetic against products expanded by hand. */
class PolynomialFieldTest {
    private final PolynomialField f = PolynomialField.of(List.of("x", "y", "z"));
    private final GenPolynomial<BigRational> x = f.variable("x");
    private final GenPolynomial<BigRational> y = f.variable("y");
    private final GenPolynomial<BigRational> z = f.variable(2);

    private GenPolynomial<BigRational> c(long n, long d) {
        return f.constant(Rational.of(n, d));
    }

    /** Sums of terms with coefficients, built one monomial at a time (not by the products under test). */
    private GenPolynomial<BigRational> term(long n, long d, int ex, int ey, int ez) {
        GenPolynomial<BigRational> t = c(n, d);
        for (int i = 0; i < ex; i++) {
            t = t.multiply(x);
        }
        for (int i = 0; i < ey; i++) {
            t = t.multiply(y);
        }
        for (int i = 0; i < ez; i++) {
            t = t.multiply(z);
        }
        return t;
    }

    @Test
    void squareOfASumExpandsAsByHand() {
        GenPolynomial<BigRational> s = f.add(x, y);
        // (x + y)^2 = x^2 + 2xy + y^2
        GenPolynomial<BigRational> hand = term(1, 1, 2, 0, 0).sum(term(2, 1, 1, 1, 0)).sum(term(1, 1, 0, 2, 0));
        assertEquals(hand, f.multiply(s, s));
        String text = f.format(f.multiply(s, s));
        assertTrue(text.contains("x^2") && text.contains("2 x y") && text.contains("y^2") && text.split(" \\+ ").length == 3, text);
    }

    @Test
    void differenceOfSquaresWithFractions() {
        // (x - y/2)(x + y/2) = x^2 - y^2/4
        GenPolynomial<BigRational> p = f.multiply(f.subtract(x, f.multiply(c(1, 2), y)), f.add(x, f.multiply(c(1, 2), y)));
        assertEquals(term(1, 1, 2, 0, 0).sum(term(-1, 4, 0, 2, 0)), p);
        assertEquals(2, p.length());
    }

    @Test
    void threeFactorsExpandToEveryCrossTerm() {
        // (x + 1)(y - 2)(z + 3) = xyz + 3xy - 2xz - 6x + yz + 3y - 2z - 6
        GenPolynomial<BigRational> p = f.multiply(f.multiply(f.add(x, f.one()), f.subtract(y, f.fromLong(2))), f.add(z, f.fromLong(3)));
        GenPolynomial<BigRational> hand = term(1, 1, 1, 1, 1).sum(term(3, 1, 1, 1, 0)).sum(term(-2, 1, 1, 0, 1)).sum(term(-6, 1, 1, 0, 0))
                .sum(term(1, 1, 0, 1, 1)).sum(term(3, 1, 0, 1, 0)).sum(term(-2, 1, 0, 0, 1)).sum(term(-6, 1, 0, 0, 0));
        assertEquals(hand, p);
        assertEquals(8, p.length());
        // and its value at (x, y, z) = (1/2, -1, 2): (3/2)(-3)(5) = -45/2
        assertEquals(Rational.of(-45, 2), f.evaluate(p, new Rational[] {Rational.of(1, 2), Rational.of(-1), Rational.of(2)}));
    }

    @Test
    void variablesAreTheNamedOnes() {
        assertEquals("x", f.monomial(x.leadingExpVector()));
        assertEquals("y", f.monomial(y.leadingExpVector()));
        assertEquals("z", f.monomial(z.leadingExpVector()));
        assertEquals("x y^2", f.monomial(term(1, 1, 1, 2, 0).leadingExpVector()));
        assertEquals(2, f.exponent(term(1, 1, 1, 2, 0).leadingExpVector(), 1));
        assertEquals("x", f.format(x));
        assertEquals("-3/2 y", f.format(term(-3, 2, 0, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> f.variable("w"));
        assertThrows(IllegalArgumentException.class, () -> PolynomialField.of(List.of("a", "a")));
    }

    @Test
    void theDerivativeIndexIsTheVariablesIndex() {
        // d/dx (x^2 y) = 2xy, d/dy (x^2 y) = x^2, d/dz = 0: the gradient corollary relies on this numbering
        GenPolynomial<BigRational> p = term(1, 1, 2, 1, 0);
        assertEquals(term(2, 1, 1, 1, 0), PolyUtil.baseDerivative(p, 0));
        assertEquals(term(1, 1, 2, 0, 0), PolyUtil.baseDerivative(p, 1));
        assertTrue(PolyUtil.baseDerivative(p, 2).isZERO());
    }

    @Test
    void divisionAndSignAreForConstantsOnly() {
        assertEquals(term(1, 3, 1, 0, 0), f.divide(x, f.fromLong(3)));
        assertEquals(term(1, 4, 0, 1, 0), f.arithmetic().divide(y, 4));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> f.divide(x, y));
        assertTrue(e.getMessage().contains("constants only"), e.getMessage());
        assertThrows(ArithmeticException.class, () -> f.divide(x, f.zero()));
        assertEquals(-1, f.signum(c(-2, 3)));
        assertEquals(0, f.signum(f.zero()));
        e = assertThrows(ArithmeticException.class, () -> f.relu(x));
        assertTrue(e.getMessage().contains("pattern"), e.getMessage());
        assertTrue(f.isZero(f.subtract(f.multiply(x, y), f.multiply(y, x))));
        assertEquals(0.75, f.toDouble(c(3, 4)));
        assertThrows(ArithmeticException.class, () -> f.toDouble(x));
        assertEquals(Rational.of(7, 3), f.evaluate(f.add(x, c(1, 3)), new Rational[] {Rational.of(2), Rational.ZERO, Rational.ZERO}));
        assertEquals(f.constant(Rational.of(0.375)), f.fromDouble(0.375));
    }

    @Test
    void rationalFunctionsAddMultiplyAndCompareAsFunctions() {
        RationalFunctionField r = RationalFunctionField.over(f);
        RationalFunction rx = r.variable("x");
        RationalFunction ry = r.variable("y");
        RationalFunction rz = r.variable("z");
        // x/y + 1/y = (x + 1)/y
        RationalFunction s = r.add(r.divide(rx, ry), r.divide(r.one(), ry));
        assertTrue(r.same(r.divide(r.add(rx, r.one()), ry), s));
        assertEquals(1, s.denominatorFactors().size(), s::toString); // the shared factor y is kept once
        // x/(x y) = 1/y, and (x y)/x = y: the exact factor cancels
        RationalFunction xy = r.multiply(rx, ry);
        assertTrue(r.same(r.divide(r.one(), ry), r.divide(rx, xy)));
        RationalFunction back = r.divide(xy, rx);
        assertTrue(back.isPolynomial(), back::toString);
        assertEquals(y, back.numerator());
        // x/y + z/x = (x^2 + yz)/(xy), by hand
        RationalFunction t = r.add(r.divide(rx, ry), r.divide(rz, rx));
        assertTrue(r.same(r.divide(r.of(term(1, 1, 2, 0, 0).sum(term(1, 1, 0, 1, 1))), xy), t));
        assertFalse(r.same(t, r.divide(r.of(term(1, 1, 2, 0, 0)), xy)));
        assertEquals(Rational.of(5, 2), r.evaluate(t, new Rational[] {Rational.of(1), Rational.of(2), Rational.of(2)}));
        // (x - y)/(x - y) = 1 and a/b - a/b = 0
        RationalFunction d = r.subtract(rx, ry);
        assertTrue(r.same(r.one(), r.divide(d, d)));
        assertTrue(r.isZero(r.subtract(t, t)));
        assertThrows(ArithmeticException.class, () -> r.divide(rx, r.zero()));
        assertThrows(ArithmeticException.class, () -> r.signum(t));
        assertEquals(1, r.signum(r.fromLong(4)));
        String text = r.format(t);
        assertTrue(text.contains(") / (") && text.contains("y z") && text.contains("x^2"), text);
    }
}
