package org.visualbackprop.flowgraph.symbolic;

import edu.jas.arith.BigRational;
import edu.jas.poly.GenPolynomial;
import java.util.ArrayList;
import java.util.List;

/**
 * A rational function {@code num / (d_1 d_2 ... d_k)}: a polynomial over a product of non-constant polynomial factors,
 * kept as a list and never multiplied out. Sums take the least common multiple of the factor lists (a factor shared by
 * both, as the same polynomial, is kept once), so Lemma 2's quotients {@code a(v)/z(v)} summed over paths keep the
 * denominator {@code prod z(v)} of the neurons involved instead of a growing product, and no polynomial gcd is ever
 * computed (JAS's gcd-reduced {@code edu.jas.ufd.Quotient} was tried first: on a 2 x 3 input with a 2x3 kernel one
 * geometry's patterns took 50 s). Immutable.
 *
 * <p>{@link #equals} is equality of functions (by cross-multiplication), so two different representations of the same
 * function are equal; {@link #hashCode} is therefore constant: do not use these as hash keys.
 */
public final class RationalFunction {
    private final GenPolynomial<BigRational> num;
    private final List<GenPolynomial<BigRational>> den;

    RationalFunction(GenPolynomial<BigRational> num, List<GenPolynomial<BigRational>> den) {
        this.num = num;
        this.den = List.copyOf(den);
    }

    /** The numerator. */
    public GenPolynomial<BigRational> numerator() {
        return num;
    }

    /** The factors of the denominator (none: a polynomial). */
    public List<GenPolynomial<BigRational>> denominatorFactors() {
        return den;
    }

    /** The denominator multiplied out. */
    public GenPolynomial<BigRational> denominator() {
        GenPolynomial<BigRational> d = num.ring.getONE();
        for (GenPolynomial<BigRational> f : den) {
            d = d.multiply(f);
        }
        return d;
    }

    /** True for the zero function. */
    public boolean isZero() {
        return num.isZERO();
    }

    /** True when the denominator is 1. */
    public boolean isPolynomial() {
        return den.isEmpty();
    }

    RationalFunction plus(RationalFunction o, boolean minus) {
        List<GenPolynomial<BigRational>> lcm = new ArrayList<>(den);
        List<GenPolynomial<BigRational>> rest = new ArrayList<>(den); // factors of this not (yet) matched in o
        List<GenPolynomial<BigRational>> extraForThis = new ArrayList<>();
        for (GenPolynomial<BigRational> f : o.den) {
            int i = rest.indexOf(f);
            if (i >= 0) {
                rest.remove(i);
            } else {
                lcm.add(f);
                extraForThis.add(f);
            }
        }
        GenPolynomial<BigRational> a = num;
        for (GenPolynomial<BigRational> f : extraForThis) {
            a = a.multiply(f);
        }
        GenPolynomial<BigRational> b = o.num;
        for (GenPolynomial<BigRational> f : rest) {
            b = b.multiply(f);
        }
        return new RationalFunction(minus ? a.subtract(b) : a.sum(b), lcm);
    }

    RationalFunction times(RationalFunction o) {
        if (isZero() || o.isZero()) {
            return new RationalFunction(num.ring.getZERO(), List.of());
        }
        List<GenPolynomial<BigRational>> d = new ArrayList<>(den);
        d.addAll(o.den);
        return cancel(num.multiply(o.num), d);
    }

    RationalFunction over(RationalFunction o) {
        if (o.isZero()) {
            throw new ArithmeticException("division by the zero function");
        }
        GenPolynomial<BigRational> n = num;
        for (GenPolynomial<BigRational> f : o.den) {
            n = n.multiply(f);
        }
        List<GenPolynomial<BigRational>> d = new ArrayList<>(den);
        GenPolynomial<BigRational> divisor = o.num;
        if (divisor.isConstant()) {
            n = n.multiply(divisor.leadingBaseCoefficient().inverse());
        } else {
            d.add(divisor);
        }
        return cancel(n, d);
    }

    /**
     * Cancels every factor that divides the numerator exactly (for one divisor, the remainder of multivariate division
     * is zero exactly when it divides, a single polynomial being a Groebner basis of its ideal).
     */
    static RationalFunction cancel(GenPolynomial<BigRational> n, List<GenPolynomial<BigRational>> d) {
        List<GenPolynomial<BigRational>> left = new ArrayList<>();
        for (GenPolynomial<BigRational> f : d) {
            if (n.isZERO()) {
                break;
            }
            GenPolynomial<BigRational>[] qr = n.quotientRemainder(f);
            if (qr[1].isZERO()) {
                n = qr[0];
            } else {
                left.add(f);
            }
        }
        return new RationalFunction(n, n.isZERO() ? List.of() : left);
    }

    /** Equality of functions: {@code a/B = c/D} when {@code a (D/common) = c (B/common)}. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RationalFunction r)) {
            return false;
        }
        return plus(r, true).isZero();
    }

    /** Constant (see the class comment). */
    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return den.isEmpty() ? "(" + num + ")" : "(" + num + ") / (" + denominator() + ")";
    }
}
