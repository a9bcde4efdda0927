package org.visualbackprop.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/**
 * Damaged {@code .vbpm} model files, read through {@link Models#open} (the loader every command uses): a model comes
 * back with every value finite, or the file is refused by name ({@link CorruptFileException}, or
 * {@link LimitExceededException} for an entry inflated beyond the limit).
 */
class ModelFileFuzzProperties {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = HostileReads.begin("vbpm-fuzz");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        HostileReads.end(dir);
    }

    @FuzzProperty
    void damagedModelFilesLoadFiniteOrAreRefusedByName(@ForAll("mutants") Mutant m) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant.vbpm", f -> Models.open(f, null),
                loaded -> loaded.network().findNonFinite().isEmpty(), HostileReads.DEFAULT_MAX_BYTES,
                CorruptFileException.class, LimitExceededException.class));
    }

    @Provide
    Arbitrary<Mutant> mutants() throws IOException {
        Path a = dir.resolve("a.vbpm");
        Path b = dir.resolve("b.vbpm");
        ModelFile.save(ModelFileTest.everyLayerKind(5), ModelFileTest.provenance(), a);
        ModelFile.save(PaperNets.small(new Shape(1, 1, 9, 9), 3, true, 6), Provenance.of("seed", 6), b);
        return Mutations.ofAny(List.of(Files.readAllBytes(a), Files.readAllBytes(b)));
    }
}
