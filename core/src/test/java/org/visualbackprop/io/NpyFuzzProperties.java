package org.visualbackprop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/** Damaged {@code .npy} files: {@link Npy#read(Path)} returns a consistent array or refuses the file by name. */
class NpyFuzzProperties {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = HostileReads.begin("npy-fuzz");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        HostileReads.end(dir);
    }

    @FuzzProperty
    void damagedArraysAreReadConsistentlyOrRefusedByName(@ForAll("mutants") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant.npy", Npy::read, NpyFuzzProperties::consistent,
                HostileReads.DEFAULT_MAX_BYTES, CorruptFileException.class, LimitExceededException.class));
    }

    /** The shape's product is the number of values, and the array turns into a tensor or says why not. */
    static boolean consistent(NpyArray a) {
        long n = 1;
        for (int d : a.shape()) {
            n *= d;
        }
        return n == a.size() && (a.floatData() == null) != (a.doubleData() == null);
    }

    @Provide
    Arbitrary<Mutant> mutants() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        return Mutations.ofAny(List.of(floats(new int[] {2, 3}, r), doubles(new int[] {5}, r), floats(new int[] {1, 1, 3, 4}, r),
                floats(new int[] {0, 2}, r)));
    }

    private static byte[] floats(int[] shape, SplittableRandom r) throws IOException {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-2, 2);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, shape, v);
        return out.toByteArray();
    }

    private static byte[] doubles(int[] shape, SplittableRandom r) throws IOException {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-2, 2);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, shape, v);
        return out.toByteArray();
    }
}
