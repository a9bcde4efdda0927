package org.visualbackprop.io.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Models;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.testing.FuzzProperty;
import org.visualbackprop.testing.HostileReads;
import org.visualbackprop.testing.Mutant;
import org.visualbackprop.testing.Mutations;

/**
 * Damaged Torch7 files ({@code .t7b}), read through {@link Models#open} (the loader every command uses), from the two
 * test nets of {@link TorchTestNets} (every supported module kind, shared storages, views, old files without version
 * strings): a model comes back with every value finite, or the file is refused by name: damaged
 * ({@link CorruptFileException}), not a model this project can represent ({@link UnsupportedTorchModelException}), not
 * fitting the input size ({@link ShapeException}) or a view inflated beyond the limit ({@link LimitExceededException}).
 */
class TorchFuzzProperties {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = HostileReads.begin("t7-fuzz");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        HostileReads.end(dir);
    }

    @FuzzProperty
    void damagedNetAFilesLoadFiniteOrAreRefusedByName(@ForAll("netA") Mutant m) throws Exception {
        check(m, TorchTestNets.NetA.INPUT);
    }

    @FuzzProperty
    void damagedNetBFilesLoadFiniteOrAreRefusedByName(@ForAll("netB") Mutant m) throws Exception {
        check(m, TorchTestNets.NetB.INPUT);
    }

    private static void check(Mutant m, Shape input) throws Exception {
        HostileReads.collect(HostileReads.assertReadsOrRefuses(m, dir, "mutant.t7b", f -> Models.open(f, input),
                loaded -> loaded.network().findNonFinite().isEmpty(), HostileReads.DEFAULT_MAX_BYTES,
                CorruptFileException.class, UnsupportedTorchModelException.class, ShapeException.class, LimitExceededException.class));
    }

    @Provide
    Arbitrary<Mutant> netA() {
        return Mutations.ofAny(List.of(Torch7Writer.bytes(new TorchTestNets.NetA(1).model(false)),
                Torch7Writer.bytes(new TorchTestNets.NetA(2).model(true))));
    }

    @Provide
    Arbitrary<Mutant> netB() {
        return Mutations.ofAny(List.of(Torch7Writer.bytes(new TorchTestNets.NetB(3).model(false)),
                Torch7Writer.bytes(new TorchTestNets.NetB(4).model(true))));
    }
}
