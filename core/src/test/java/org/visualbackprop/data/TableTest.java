package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;

class TableTest {
    @TempDir
    Path dir;

    @Test
    void quotesBlanksByteOrderMarkAndWindowsLineEnds() throws IOException {
        Path p = dir.resolve("t.csv");
        Files.writeString(p, "\uFEFFa, b ,C\r\n\r\n1,\"x, \"\"y\"\"\", 3 \r\n");
        Table t = Table.read(p, ',', true, 0);
        assertEquals(0, t.column("A", true));
        assertEquals(1, t.column("b", true));
        assertEquals(2, t.column("c", true));
        assertEquals(-1, t.column("d", false));
        assertEquals(1, t.rows().size());
        Table.Row r = t.rows().get(0);
        assertEquals(3, r.line());
        assertArrayEquals(new String[] {"1", "x, \"y\"", "3"}, r.fields());
        assertEquals(3, t.integer(r, 2, "C"));
    }

    @Test
    void errorsNameFileLineAndValue() throws IOException {
        Path p = dir.resolve("t.csv");
        Files.writeString(p, "a;b\n1;2\n3;\"4\n");
        String m = assertThrows(CorruptFileException.class, () -> Table.read(p, ';', true, 0)).getMessage();
        assertEquals(p + " line 3: a quoted field is not closed", m);
        Files.writeString(p, "a;b\n1;NaN\n");
        Table t = Table.read(p, ';', true, 0);
        m = assertThrows(CorruptFileException.class, () -> t.number(t.rows().get(0), 1, "b")).getMessage();
        assertTrue(m.contains("line 2") && m.contains("'NaN'"), m);
    }
}
