package org.visualbackprop.flowgraph;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * An exact rational number {@code numerator / denominator}, always in lowest terms with a positive denominator, so
 * that equal numbers are {@link #equals equal}. Values whose numerator and denominator fit in a {@code long} are held
 * as two longs (the common case for small networks with small-integer weights); results that overflow move to
 * {@link BigInteger}s, and back when they fit again.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rational implements Comparable<Rational> {
    /** The field of rational numbers. */
    public static final Field<Rational> FIELD = new RationalField();

    public static final Rational ZERO = new Rational(0, 1);
    public static final Rational ONE = new Rational(1, 1);

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    // small form: big == false, num/den hold the value (den > 0, gcd 1, neither is Long.MIN_VALUE)
    private final long num;
    private final long den;
    private final BigInteger bigNum;
    private final BigInteger bigDen;

    private Rational(long num, long den) {
        this.num = num;
        this.den = den;
        this.bigNum = null;
        this.bigDen = null;
    }

    private Rational(BigInteger num, BigInteger den) {
        this.num = 0;
        this.den = 0;
        this.bigNum = num;
        this.bigDen = den;
    }

    /** The integer {@code v}. */
    public static Rational of(long v) {
        return v == 0 ? ZERO : v == 1 ? ONE : of(v, 1);
    }

    /**
     * {@code numerator / denominator}, reduced.
     *
     * @throws ArithmeticException when the denominator is zero
     */
    public static Rational of(long numerator, long denominator) {
        if (denominator == 0) {
            throw new ArithmeticException("rational with denominator 0: " + numerator + "/0");
        }
        if (numerator == Long.MIN_VALUE || denominator == Long.MIN_VALUE) {
            return of(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
        }
        return reduced(numerator, denominator);
    }

    /**
     * {@code numerator / denominator}, reduced.
     *
     * @throws ArithmeticException when the denominator is zero
     */
    public static Rational of(BigInteger numerator, BigInteger denominator) {
        if (denominator.signum() == 0) {
            throw new ArithmeticException("rational with denominator 0: " + numerator + "/0");
        }
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger g = numerator.gcd(denominator);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            numerator = numerator.divide(g);
            denominator = denominator.divide(g);
        }
        return canonical(numerator, denominator);
    }

    /**
     * The exact value of a finite double (its denominator is a power of two).
     *
     * @throws IllegalArgumentException for NaN or infinity
     */
    public static Rational of(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 0x1p62) {
            return of((long) v);
        }
        long bits = Double.doubleToRawLongBits(v);
        int exponent = (int) ((bits >>> 52) & 0x7ff);
        long mantissa = bits & 0xfffffffffffffL;
        if (exponent == 0) {
            exponent = 1; // subnormal
        } else {
            mantissa |= 1L << 52;
        }
        int shift = exponent - 1075; // v = mantissa * 2^shift
        long signed = v < 0 ? -mantissa : mantissa;
        if (shift >= 0) {
            return of(BigInteger.valueOf(signed).shiftLeft(shift), BigInteger.ONE);
        }
        int tz = Math.min(Long.numberOfTrailingZeros(mantissa), -shift);
        signed >>= tz;
        shift += tz;
        if (-shift <= 62) {
            return of(signed, 1L << -shift);
        }
        return of(BigInteger.valueOf(signed), BigInteger.ONE.shiftLeft(-shift));
    }

    /**
     * Parses {@code "p"} or {@code "p/q"}.
     *
     * @throws NumberFormatException for anything else
     */
    public static Rational parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return of(new BigInteger(s.trim()), BigInteger.ONE);
        }
        return of(new BigInteger(s.substring(0, slash).trim()), new BigInteger(s.substring(slash + 1).trim()));
    }

    private static Rational reduced(long n, long d) {
        if (d < 0) {
            n = -n;
            d = -d;
        }
        long g = gcd(Math.abs(n), d);
        if (g > 1) {
            n /= g;
            d /= g;
        }
        if (n == 0) {
            return ZERO;
        }
        return new Rational(n, d);
    }

    private static Rational canonical(BigInteger n, BigInteger d) {
        if (fitsSmall(n) && fitsSmall(d)) {
            long ln = n.longValue();
            return ln == 0 ? ZERO : new Rational(ln, d.longValue());
        }
        return new Rational(n, d);
    }

    private static boolean fitsSmall(BigInteger v) {
        return v.bitLength() <= 62 || (v.compareTo(LONG_MAX) <= 0 && v.compareTo(LONG_MIN) > 0);
    }

    /** Binary gcd of two non-negative longs. */
    private static long gcd(long a, long b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        int shift = Long.numberOfTrailingZeros(a | b);
        a >>= Long.numberOfTrailingZeros(a);
        do {
            b >>= Long.numberOfTrailingZeros(b);
            if (a > b) {
                long t = b;
                b = a;
                a = t;
            }
            b -= a;
        } while (b != 0);
        return a << shift;
    }

    private boolean isBig() {
        return bigNum != null;
    }

    /** The numerator (sign of the number). */
    public BigInteger numerator() {
        return isBig() ? bigNum : BigInteger.valueOf(num);
    }

    /** The denominator, positive. */
    public BigInteger denominator() {
        return isBig() ? bigDen : BigInteger.valueOf(den);
    }

    /** True when the denominator is 1. */
    public boolean isInteger() {
        return isBig() ? bigDen.equals(BigInteger.ONE) : den == 1;
    }

    public int signum() {
        return isBig() ? bigNum.signum() : Long.signum(num);
    }

    public Rational add(Rational o) {
        if (!isBig() && !o.isBig()) {
            try {
                if (den == o.den) {
                    return reduced(Math.addExact(num, o.num), den);
                }
                long g = gcd(den, o.den);
                long d1 = den / g;
                long d2 = o.den / g;
                long n = Math.addExact(Math.multiplyExact(num, d2), Math.multiplyExact(o.num, d1));
                long d = Math.multiplyExact(den, d2);
                if (n != Long.MIN_VALUE) {
                    return reduced(n, d);
                }
            } catch (ArithmeticException overflow) {
                // fall through to BigInteger
            }
        }
        return of(numerator().multiply(o.denominator()).add(o.numerator().multiply(denominator())),
                denominator().multiply(o.denominator()));
    }

    public Rational negate() {
        if (!isBig()) {
            return num == 0 ? ZERO : new Rational(-num, den);
        }
        return new Rational(bigNum.negate(), bigDen);
    }

    public Rational subtract(Rational o) {
        return add(o.negate());
    }

    public Rational multiply(Rational o) {
        if (!isBig() && !o.isBig()) {
            if (num == 0 || o.num == 0) {
                return ZERO;
            }
            try {
                long g1 = gcd(Math.abs(num), o.den);
                long g2 = gcd(Math.abs(o.num), den);
                long n = Math.multiplyExact(num / g1, o.num / g2);
                long d = Math.multiplyExact(den / g2, o.den / g1);
                if (n != Long.MIN_VALUE) {
                    return new Rational(n, d);
                }
            } catch (ArithmeticException overflow) {
                // fall through to BigInteger
            }
        }
        return of(numerator().multiply(o.numerator()), denominator().multiply(o.denominator()));
    }

    /**
     * {@code 1 / this}.
     *
     * @throws ArithmeticException for zero
     */
    public Rational reciprocal() {
        if (signum() == 0) {
            throw new ArithmeticException("reciprocal of 0");
        }
        if (!isBig()) {
            return num < 0 ? new Rational(-den, -num) : new Rational(den, num);
        }
        return bigNum.signum() < 0 ? new Rational(bigDen.negate(), bigNum.negate()) : new Rational(bigDen, bigNum);
    }

    /**
     * {@code this / o}.
     *
     * @throws ArithmeticException when {@code o} is zero
     */
    public Rational divide(Rational o) {
        if (o.signum() == 0) {
            throw new ArithmeticException("division by zero: " + this + " / 0");
        }
        return multiply(o.reciprocal());
    }

    /** The nearest double (correctly rounded for small values; within a few ulps for big ones). */
    public double toDouble() {
        if (!isBig()) {
            return (double) num / den;
        }
        return new BigDecimal(bigNum).divide(new BigDecimal(bigDen), MathContext.DECIMAL128).doubleValue();
    }

    @Override
    public int compareTo(Rational o) {
        if (!isBig() && !o.isBig()) {
            try {
                return Long.compare(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den));
            } catch (ArithmeticException overflow) {
                // fall through
            }
        }
        return numerator().multiply(o.denominator()).compareTo(o.numerator().multiply(denominator()));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Rational r)) {
            return false;
        }
        if (isBig() != r.isBig()) {
            return false; // canonical forms differ only when the values differ
        }
        return isBig() ? bigNum.equals(r.bigNum) && bigDen.equals(r.bigDen) : num == r.num && den == r.den;
    }

    @Override
    public int hashCode() {
        return isBig() ? 31 * bigNum.hashCode() + bigDen.hashCode() : Long.hashCode(num) * 31 + Long.hashCode(den);
    }

    /** {@code "p"} or {@code "p/q"}. */
    @Override
    public String toString() {
        if (!isBig()) {
            return den == 1 ? Long.toString(num) : num + "/" + den;
        }
        return bigDen.equals(BigInteger.ONE) ? bigNum.toString() : bigNum + "/" + bigDen;
    }

    private static final class RationalField implements Field<Rational> {
        @Override
        public String name() {
            return "rational";
        }

        @Override
        public boolean isExact() {
            return true;
        }

        @Override
        public Rational zero() {
            return ZERO;
        }

        @Override
        public Rational one() {
            return ONE;
        }

        @Override
        public Rational fromLong(long v) {
            return Rational.of(v);
        }

        @Override
        public Rational fromDouble(double v) {
            return Rational.of(v);
        }

        @Override
        public Rational add(Rational a, Rational b) {
            return a.add(b);
        }

        @Override
        public Rational subtract(Rational a, Rational b) {
            return a.subtract(b);
        }

        @Override
        public Rational multiply(Rational a, Rational b) {
            return a.multiply(b);
        }

        @Override
        public Rational divide(Rational a, Rational b) {
            return a.divide(b);
        }

        @Override
        public int signum(Rational a) {
            return a.signum();
        }

        @Override
        public double toDouble(Rational a) {
            return a.toDouble();
        }

        @Override
        public Rational[] newArray(int n) {
            return new Rational[n];
        }

        @Override
        public boolean same(Rational a, Rational b) {
            return a.equals(b);
        }

        @Override
        public String toString() {
            return "Field.RATIONAL";
        }
    }
}
