package org.visualbackprop.flowgraph.symbolic;

import edu.jas.arith.BigRational;
import edu.jas.poly.GenPolynomial;
import java.util.List;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.Rational;

/**
 * Rational functions ({@link RationalFunction}: a JAS polynomial over a product of polynomial factors) in the
 * variables of a {@link PolynomialField}, as a {@link Field}: Lemma 2's factor {@code a(v) / z(v)} of symbolic
 * weights, biases and inputs lives here. Equality is equality of functions (by cross-multiplication).
 *
 * <p>As for polynomials, the sign is defined for constants only ({@link #signum}, {@link #toDouble}); a ReLU of
 * symbolic values needs a fixed on/off pattern. Immutable and thread-safe.
 */
public final class RationalFunctionField implements Field<RationalFunction> {
    private final PolynomialField polynomials;
    private final RationalFunction zero;
    private final RationalFunction one;

    private RationalFunctionField(PolynomialField polynomials) {
        this.polynomials = polynomials;
        this.zero = of(polynomials.zero());
        this.one = of(polynomials.one());
    }

    /** The rational functions in the variables of {@code polynomials}. */
    public static RationalFunctionField over(PolynomialField polynomials) {
        return new RationalFunctionField(polynomials);
    }

    /** The polynomials whose quotients these are. */
    public PolynomialField polynomials() {
        return polynomials;
    }

    /** The polynomial {@code p} as a rational function. */
    public RationalFunction of(GenPolynomial<BigRational> p) {
        return new RationalFunction(p, List.of());
    }

    /** Variable {@code i}. */
    public RationalFunction variable(int i) {
        return of(polynomials.variable(i));
    }

    /** The variable of that name. */
    public RationalFunction variable(String name) {
        return of(polynomials.variable(name));
    }

    /** The value with every variable {@code i} set to {@code values[i]}; the denominator must not vanish there. */
    public Rational evaluate(RationalFunction q, Rational[] values) {
        Rational d = Rational.ONE;
        for (GenPolynomial<BigRational> f : q.denominatorFactors()) {
            d = d.multiply(polynomials.evaluate(f, values));
        }
        if (d.signum() == 0) {
            throw new ArithmeticException("the denominator " + polynomials.format(q.denominator()) + " vanishes at that point");
        }
        return polynomials.evaluate(q.numerator(), values).divide(d);
    }

    @Override
    public String name() {
        return "rational function";
    }

    @Override
    public boolean isExact() {
        return true;
    }

    @Override
    public RationalFunction zero() {
        return zero;
    }

    @Override
    public RationalFunction one() {
        return one;
    }

    @Override
    public RationalFunction fromLong(long v) {
        return of(polynomials.fromLong(v));
    }

    @Override
    public RationalFunction fromDouble(double v) {
        return of(polynomials.fromDouble(v));
    }

    @Override
    public RationalFunction add(RationalFunction a, RationalFunction b) {
        return a.plus(b, false);
    }

    @Override
    public RationalFunction subtract(RationalFunction a, RationalFunction b) {
        return a.plus(b, true);
    }

    @Override
    public RationalFunction multiply(RationalFunction a, RationalFunction b) {
        return a.times(b);
    }

    /**
     * {@code a / b}.
     *
     * @throws ArithmeticException when {@code b} is the zero function
     */
    @Override
    public RationalFunction divide(RationalFunction a, RationalFunction b) {
        if (b.isZero()) {
            throw new ArithmeticException("division by the zero function: (" + format(a) + ") / 0");
        }
        return a.over(b);
    }

    /**
     * The sign of a constant.
     *
     * @throws ArithmeticException for a non-constant function, whose sign is not defined
     */
    @Override
    public int signum(RationalFunction a) {
        if (a.isZero()) {
            return 0;
        }
        if (!a.numerator().isConstant() || !a.isPolynomial()) {
            throw new ArithmeticException("the sign of a non-constant rational function is not defined (a ReLU of symbolic "
                    + "values needs a fixed on/off pattern): " + format(a));
        }
        return a.numerator().leadingBaseCoefficient().signum();
    }

    @Override
    public boolean isZero(RationalFunction a) {
        return a.isZero();
    }

    @Override
    public boolean same(RationalFunction a, RationalFunction b) {
        return a.equals(b);
    }

    /**
     * The value of a constant.
     *
     * @throws ArithmeticException for a non-constant function
     */
    @Override
    public double toDouble(RationalFunction a) {
        if (a.isZero()) {
            return 0;
        }
        if (!a.numerator().isConstant() || !a.isPolynomial()) {
            throw new ArithmeticException("a non-constant rational function has no value: " + format(a));
        }
        return PolynomialField.rational(a.numerator().leadingBaseCoefficient()).toDouble();
    }

    @Override
    public RationalFunction[] newArray(int n) {
        return new RationalFunction[n];
    }

    /** {@code "(num) / (den)"}, or the numerator alone when the denominator is 1. */
    @Override
    public String format(RationalFunction a) {
        if (a.isPolynomial()) {
            return polynomials.format(a.numerator());
        }
        StringBuilder d = new StringBuilder();
        for (GenPolynomial<BigRational> f : a.denominatorFactors()) {
            d.append(d.length() == 0 ? "" : " ").append('(').append(polynomials.format(f)).append(')');
        }
        return "(" + polynomials.format(a.numerator()) + ") / " + d;
    }

    @Override
    public String toString() {
        return "RationalFunctionField(" + polynomials.variables() + " variables)";
    }
}
