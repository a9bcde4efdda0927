package org.visualbackprop.flowgraph.symbolic;

import edu.jas.arith.BigRational;
import edu.jas.poly.ExpVector;
import edu.jas.poly.GenPolynomial;
import edu.jas.poly.GenPolynomialRing;
import edu.jas.poly.TermOrderByName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.Rational;

/**
 * Multivariate polynomials with rational coefficients in named variables, as a {@link Field} so that the flow graph
 * and core's generic VisualBackProp ({@code VisualBackProp.rawMask} through {@link #arithmetic()}) compute with them.
 * The arithmetic is JAS's ({@code edu.jas.poly.GenPolynomial} over {@code edu.jas.arith.BigRational}: exact, sparse,
 * canonical, so two polynomials are equal exactly when they are the same polynomial).
 *
 * <p>Polynomials form a ring, not an ordered field, so three operations are partial and say so when asked outside their
 * domain: {@link #divide} divides by a nonzero <em>constant</em> only, {@link #signum} and {@link #toDouble} answer for
 * constants only (a ReLU of a non-constant polynomial is undefined: symbolic graphs fix the ReLU decisions with a
 * pattern instead, see {@code FlowGraph.Activation#pattern}). {@link #isZero} and {@link #same} are exact for all.
 *
 * <p>Immutable and thread-safe (JAS polynomials are immutable); one instance per set of variables.
 */
public final class PolynomialField implements Field<GenPolynomial<BigRational>> {
    private final GenPolynomialRing<BigRational> ring;
    private final String[] names;
    private final Map<String, Integer> index = new HashMap<>();

    private PolynomialField(String[] names) {
        this.names = names.clone();
        for (int i = 0; i < names.length; i++) {
            if (index.put(names[i], i) != null) {
                throw new IllegalArgumentException("variable " + names[i] + " is named twice");
            }
        }
        this.ring = new GenPolynomialRing<>(BigRational.ZERO, names.length, TermOrderByName.INVLEX, this.names);
    }

    /** The polynomials in the named variables (at least one; names must differ). */
    public static PolynomialField of(List<String> variables) {
        if (variables.isEmpty()) {
            throw new IllegalArgumentException("a polynomial ring needs at least one variable");
        }
        return new PolynomialField(variables.toArray(String[]::new));
    }

    /** The JAS ring. */
    public GenPolynomialRing<BigRational> ring() {
        return ring;
    }

    /** Number of variables. */
    public int variables() {
        return names.length;
    }

    /** The name of variable {@code i}. */
    public String name(int i) {
        return names[i];
    }

    /** Variable {@code i} as a polynomial. */
    public GenPolynomial<BigRational> variable(int i) {
        // JAS numbers the exponents of a term from the last variable name
        return ring.univariate(names.length - 1 - i);
    }

    /** The variable of that name. */
    public GenPolynomial<BigRational> variable(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no variable " + name + " in this ring (" + names.length + " variables)");
        }
        return variable(i);
    }

    /** The exponent of variable {@code i} in a term. */
    public long exponent(ExpVector term, int i) {
        return term.getVal(names.length - 1 - i);
    }

    /** The index of the variable of that name, or -1. */
    public int indexOf(String name) {
        return index.getOrDefault(name, -1);
    }

    /** A constant. */
    public GenPolynomial<BigRational> constant(Rational r) {
        return ring.getONE().multiply(coefficient(r));
    }

    /** JAS's value of a rational. */
    public static BigRational coefficient(Rational r) {
        return new BigRational(new edu.jas.arith.BigInteger(r.numerator()), new edu.jas.arith.BigInteger(r.denominator()));
    }

    /** The project's value of a JAS rational. */
    public static Rational rational(BigRational r) {
        return Rational.of(r.numerator(), r.denominator());
    }

    /** A term as text, {@code "v(0,1,1) a1(0,0,0)^2"}, variables in name order; {@code "1"} for the constant term. */
    public String monomial(ExpVector term) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            long e = exponent(term, i);
            if (e > 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(names[i]).append(e > 1 ? "^" + e : "");
            }
        }
        return sb.length() == 0 ? "1" : sb.toString();
    }

    /** The value of {@code p} with every variable {@code i} set to {@code values[i]}. */
    public Rational evaluate(GenPolynomial<BigRational> p, Rational[] values) {
        if (values.length != names.length) {
            throw new IllegalArgumentException("need " + names.length + " values, got " + values.length);
        }
        Rational sum = Rational.ZERO;
        for (Map.Entry<ExpVector, BigRational> t : p.getMap().entrySet()) {
            Rational term = rational(t.getValue());
            ExpVector e = t.getKey();
            for (int i = 0; i < names.length && term.signum() != 0; i++) {
                for (long k = exponent(e, i); k > 0; k--) {
                    term = term.multiply(values[i]);
                }
            }
            sum = sum.add(term);
        }
        return sum;
    }

    @Override
    public String name() {
        return "polynomial";
    }

    @Override
    public boolean isExact() {
        return true;
    }

    @Override
    public GenPolynomial<BigRational> zero() {
        return ring.getZERO();
    }

    @Override
    public GenPolynomial<BigRational> one() {
        return ring.getONE();
    }

    @Override
    public GenPolynomial<BigRational> fromLong(long v) {
        return ring.fromInteger(v);
    }

    @Override
    public GenPolynomial<BigRational> fromDouble(double v) {
        return constant(Rational.of(v));
    }

    @Override
    public GenPolynomial<BigRational> add(GenPolynomial<BigRational> a, GenPolynomial<BigRational> b) {
        return a.sum(b);
    }

    @Override
    public GenPolynomial<BigRational> subtract(GenPolynomial<BigRational> a, GenPolynomial<BigRational> b) {
        return a.subtract(b);
    }

    @Override
    public GenPolynomial<BigRational> multiply(GenPolynomial<BigRational> a, GenPolynomial<BigRational> b) {
        return a.multiply(b);
    }

    /**
     * {@code a / b} for a nonzero constant {@code b}.
     *
     * @throws ArithmeticException when {@code b} is zero or not a constant
     */
    @Override
    public GenPolynomial<BigRational> divide(GenPolynomial<BigRational> a, GenPolynomial<BigRational> b) {
        if (b.isZERO()) {
            throw new ArithmeticException("division by the zero polynomial: (" + a + ") / 0");
        }
        if (!b.isConstant()) {
            throw new ArithmeticException("polynomials divide by constants only (use RationalFunctionField for quotients): ("
                    + a + ") / (" + b + ")");
        }
        return a.multiply(b.leadingBaseCoefficient().inverse());
    }

    /**
     * The sign of a constant.
     *
     * @throws ArithmeticException for a non-constant polynomial, whose sign is not defined
     */
    @Override
    public int signum(GenPolynomial<BigRational> a) {
        if (a.isZERO()) {
            return 0;
        }
        if (!a.isConstant()) {
            throw new ArithmeticException("the sign of a non-constant polynomial is not defined (a ReLU of symbolic values "
                    + "needs a fixed on/off pattern): " + a);
        }
        return a.leadingBaseCoefficient().signum();
    }

    @Override
    public boolean isZero(GenPolynomial<BigRational> a) {
        return a.isZERO();
    }

    @Override
    public boolean same(GenPolynomial<BigRational> a, GenPolynomial<BigRational> b) {
        return a.equals(b);
    }

    /**
     * The value of a constant.
     *
     * @throws ArithmeticException for a non-constant polynomial
     */
    @Override
    public double toDouble(GenPolynomial<BigRational> a) {
        if (a.isZERO()) {
            return 0;
        }
        if (!a.isConstant()) {
            throw new ArithmeticException("a non-constant polynomial has no value: " + a);
        }
        return rational(a.leadingBaseCoefficient()).toDouble();
    }

    @Override
    @SuppressWarnings("unchecked")
    public GenPolynomial<BigRational>[] newArray(int n) {
        return (GenPolynomial<BigRational>[]) new GenPolynomial[n];
    }

    /** {@code "2 v(0,0,0) a1(0,0,0) - 1/2 a2(0,0,0)"}: terms in JAS's order, variables by name. */
    @Override
    public String format(GenPolynomial<BigRational> a) {
        if (a.isZERO()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<ExpVector, BigRational> t : a.getMap().entrySet()) {
            Rational c = rational(t.getValue());
            String m = monomial(t.getKey());
            boolean negative = c.signum() < 0;
            Rational abs = negative ? c.negate() : c;
            sb.append(sb.length() == 0 ? (negative ? "-" : "") : negative ? " - " : " + ");
            if (m.equals("1")) {
                sb.append(abs);
            } else {
                sb.append(abs.equals(Rational.ONE) ? "" : abs + " ").append(m);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "PolynomialField(" + names.length + " variables)";
    }
}
