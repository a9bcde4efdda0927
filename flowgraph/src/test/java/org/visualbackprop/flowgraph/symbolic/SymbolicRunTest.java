package org.visualbackprop.flowgraph.symbolic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code vbp verify --symbolic}'s default class, as CI runs it: every statement as expected, and nothing printed. */
class SymbolicRunTest {

    @Test
    void theDefaultClassIsProvedAndTheErratumFailsOnOneNeuronWithoutPrinting() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<SymbolicRun.Row> seen = new ArrayList<>();
        SymbolicRun.Report r;
        try {
            PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            r = SymbolicRun.run(SymbolicRun.Options.defaults(), seen::add);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "the library (or JAS's logging) printed");
        assertEquals(r.rows(), seen);
        assertEquals(SymbolicRun.Statement.values().length, r.rows().size());
        for (SymbolicRun.Row row : r.rows()) {
            assertTrue(row.holds(), () -> row.statement() + ": " + row.geometry() + " " + row.detail());
        }
        List<Geometry> all = GeometryClass.DEFAULT.enumerate();
        assertEquals(all.size(), r.row(SymbolicRun.Statement.THEOREM1).geometries());
        assertTrue(all.stream().anyMatch(Geometry::hasPooling));
        assertTrue(all.stream().anyMatch(g -> g.layers().get(0).window().kernelH() != g.layers().get(0).window().kernelW()));
        assertTrue(r.row(SymbolicRun.Statement.THEOREM1).terms() > all.size());
        assertEquals("1x1x1 | conv 1x1 -> 1", r.row(SymbolicRun.Statement.LEMMA2_AS_WORDED).geometry().toString());
        assertNotNull(r.erratumWitness());
        assertTrue(r.structures() > 0 && r.structures() <= r.row(SymbolicRun.Statement.LEMMA2).geometries());
    }
}
