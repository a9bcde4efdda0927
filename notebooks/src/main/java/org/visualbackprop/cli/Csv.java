package org.visualbackprop.cli;

/**
 * CSV fields as RFC 4180 writes them: a field that holds a comma, a double quote, a line break (CR or LF) or leading
 * or trailing blanks is enclosed in double quotes, with each double quote inside doubled; any other field is written
 * as it is. Spreadsheets and {@code pandas.read_csv} read such files back field for field.
 */
final class Csv {
    private Csv() {
    }

    /** One field, quoted when it must be. */
    static String field(String s) {
        boolean quote = s.isEmpty() ? false : s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ';
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** A row: the fields, each through {@link #field}, separated by commas (no line break at the end). */
    static String row(Object... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(field(String.valueOf(fields[i])));
        }
        return b.toString();
    }
}
