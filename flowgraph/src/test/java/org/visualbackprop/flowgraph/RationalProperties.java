package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Rational arithmetic against BigInteger fractions (the long fast path must agree with the slow one everywhere). */
class RationalProperties {

    /**
     * Longs near zero and near the ends of the range, where the fast path overflows; the boundaries are drawn on
     * purpose (jqwik's generated edge cases of four such parameters would outnumber the tries).
     */
    @Provide
    Arbitrary<Long> longs() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-50, 50), Arbitraries.longs(),
                Arbitraries.longs().between(Long.MAX_VALUE - 3, Long.MAX_VALUE), Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 3),
                Arbitraries.of(0L, 1L, -1L, (long) Integer.MAX_VALUE, 1L << 62, -(1L << 62))).withoutEdgeCases();
    }

    @Provide
    Arbitrary<Long> denominators() {
        return longs().filter(d -> d != 0);
    }

    private static void assertIs(BigInteger num, BigInteger den, Rational r) {
        assertTrue(r.denominator().signum() > 0, "positive denominator");
        assertEquals(BigInteger.ONE, r.numerator().gcd(r.denominator()), () -> "lowest terms: " + r);
        assertEquals(0, num.multiply(r.denominator()).compareTo(r.numerator().multiply(den)) * den.signum(), () -> num + "/" + den + " vs " + r);
        assertEquals(Rational.of(num, den), r);
    }

    @Property(seed = "20170502", tries = 500)
    void arithmeticAgreesWithBigIntegerFractions(@ForAll("longs") long a, @ForAll("denominators") long b,
                                                 @ForAll("longs") long c, @ForAll("denominators") long d) {
        Rational x = Rational.of(a, b);
        Rational y = Rational.of(c, d);
        BigInteger ba = BigInteger.valueOf(a);
        BigInteger bb = BigInteger.valueOf(b);
        BigInteger bc = BigInteger.valueOf(c);
        BigInteger bd = BigInteger.valueOf(d);
        assertIs(ba.multiply(bd).add(bc.multiply(bb)), bb.multiply(bd), x.add(y));
        assertIs(ba.multiply(bd).subtract(bc.multiply(bb)), bb.multiply(bd), x.subtract(y));
        assertIs(ba.multiply(bc), bb.multiply(bd), x.multiply(y));
        if (c != 0) {
            assertIs(ba.multiply(bd), bb.multiply(bc), x.divide(y));
            assertEquals(x, x.divide(y).multiply(y));
        }
        // sign(a/b - c/d) = sign((a d - c b) b d)
        int expected = ba.multiply(bd).subtract(bc.multiply(bb)).signum() * bb.signum() * bd.signum();
        assertEquals(expected, Integer.signum(x.compareTo(y)));
        assertEquals(x.add(y), y.add(x));
        assertEquals(x.multiply(y), y.multiply(x));
    }

    @Property(seed = "20170502", tries = 500)
    void everyFiniteDoubleIsRepresentedExactly(@ForAll double v) {
        Rational r = Rational.of(v);
        assertEquals(v == 0 ? 0.0 : v, r.toDouble());
        BigDecimal exact = new BigDecimal(v);
        assertEquals(0, exact.multiply(new BigDecimal(r.denominator())).compareTo(new BigDecimal(r.numerator())));
    }

    @Example
    void valuesAreCanonicalAndPrintAsFractions() {
        assertEquals(Rational.of(2, 3), Rational.of(-4, -6));
        assertEquals("-2/3", Rational.of(4, -6).toString());
        assertEquals("3", Rational.of(6, 2).toString());
        assertEquals(Rational.parse("1/3"), Rational.of(1.0).divide(Rational.of(3)));
        Rational big = Rational.of(Long.MAX_VALUE).add(Rational.ONE);
        assertEquals("9223372036854775808", big.toString());
        assertEquals(Rational.of(Long.MAX_VALUE), big.subtract(Rational.ONE));
        assertThrows(ArithmeticException.class, () -> Rational.ONE.divide(Rational.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Rational.of(Double.NaN));
        assertEquals(Rational.ZERO, Field.RATIONAL.ratio(Rational.ZERO, Rational.ZERO));
        assertEquals(0.0, Field.DOUBLE.ratio(0.0, 0.0));
        assertEquals(Rational.parse("1/4"), Field.RATIONAL.arithmetic().divide(Rational.ONE, 4));
        assertEquals(Rational.ZERO, Field.RATIONAL.relu(Rational.of(-3)));
    }
}
