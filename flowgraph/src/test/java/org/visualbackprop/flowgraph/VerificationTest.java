package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;

/** The runner behind {@code vbp verify}: every statement holds on a few seeded nets, the erratum shrinks. */
class VerificationTest {

    @Test
    void everyStatementHoldsAndTheErratumShrinksToTwoValues() {
        List<Verification.Row> seen = new ArrayList<>();
        List<Verification.Row> rows = Verification.run(
                new Verification.Options(30, Verification.Options.DEFAULT_SEED, EnumSet.allOf(Verification.Tier.class), 2), seen::add);
        assertEquals(Verification.Statement.values().length, rows.size());
        assertEquals(rows, seen);
        for (Verification.Row row : rows) {
            assertTrue(row.holds(), () -> row.statement() + ": " + row.exampleDetail() + "\n" + row.example());
            assertEquals(30, row.nets());
        }
        Verification.Row erratum = rows.get(Verification.Statement.LEMMA2_AS_WORDED.ordinal());
        assertTrue(erratum.failures() > 20, erratum::toString);
        assertEquals(2, Verification.size(erratum.example()), () -> erratum.example().toString());
        assertFalse(Verification.lemma2(FlowGraph.of(erratum.example(), Field.RATIONAL), Lemma2Reading.SOURCE).holds());
    }

    @Test
    void onlyTheChosenTierRuns() {
        List<Verification.Row> rows = Verification.run(
                new Verification.Options(3, 1L, EnumSet.of(Verification.Tier.FLOAT), 1), r -> { });
        assertTrue(rows.stream().allMatch(r -> r.statement().tier() == Verification.Tier.FLOAT));
        assertEquals(6, rows.size());
    }
}
