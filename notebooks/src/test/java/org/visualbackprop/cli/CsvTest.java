package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 4180 quoting, against hand-written rows. */
class CsvTest {
    @Test
    void fieldsThatNeedQuotesGetThemAndOthersDoNot() {
        assertEquals("plain", Csv.field("plain"));
        assertEquals("", Csv.field(""));
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"line\nbreak\"", Csv.field("line\nbreak"));
        assertEquals("\"cr\rhere\"", Csv.field("cr\rhere"));
        assertEquals("\" padded \"", Csv.field(" padded "));
        assertEquals("a.png,1,-0.5", Csv.row("a.png", 1, -0.5f));
        assertEquals("\"x,y.jpg\",3", Csv.row("x,y.jpg", 3));
    }
}
