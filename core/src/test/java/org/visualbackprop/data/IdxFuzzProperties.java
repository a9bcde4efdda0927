package org.visualbackprop.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/** Damaged IDX files, plain and gzipped: {@link Idx} returns what the header announces or refuses the file by name. */
class IdxFuzzProperties {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = HostileReads.begin("idx-fuzz");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        HostileReads.end(dir);
    }

    @FuzzProperty
    void damagedImageFilesAreReadWholeOrRefusedByName(@ForAll("images") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant-images.idx", Idx::readImages,
                im -> (long) im.count() * im.rows() * im.cols() == im.pixels().length, HostileReads.DEFAULT_MAX_BYTES,
                CorruptFileException.class, LimitExceededException.class));
    }

    @FuzzProperty
    void damagedLabelFilesAreReadWholeOrRefusedByName(@ForAll("labels") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant-labels.idx", Idx::readLabels, l -> l.count() >= 0,
                HostileReads.DEFAULT_MAX_BYTES, CorruptFileException.class, LimitExceededException.class));
    }

    @Provide
    Arbitrary<Mutant> images() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        byte[] px = new byte[6 * 7 * 5];
        r.nextBytes(px);
        Idx.Images im = new Idx.Images(6, 7, 5, px);
        Path plain = dir.resolve("i.idx");
        Path gz = dir.resolve("i.idx.gz");
        Idx.writeImages(plain, im);
        Idx.writeImages(gz, im);
        return Mutations.ofAny(List.of(Files.readAllBytes(plain), Files.readAllBytes(gz)));
    }

    @Provide
    Arbitrary<Mutant> labels() throws IOException {
        byte[] v = {0, 9, 3, 3, 7, 1, 2, 8, 5, 4, 6};
        Path plain = dir.resolve("l.idx");
        Path gz = dir.resolve("l.idx.gz");
        Idx.writeLabels(plain, new Idx.Labels(v));
        Idx.writeLabels(gz, new Idx.Labels(v));
        return Mutations.ofAny(List.of(Files.readAllBytes(plain), Files.readAllBytes(gz)));
    }
}
