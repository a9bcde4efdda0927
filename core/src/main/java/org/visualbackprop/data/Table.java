package org.visualbackprop.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.visualbackprop.io.CorruptFileException;

/**
 * A small delimited-text table (CSV with {@code ,} or {@code ;}): optional header line, fields optionally quoted with
 * {@code "} ({@code ""} inside quotes is a quote), surrounding blanks trimmed, blank lines skipped, a UTF-8 byte order
 * mark ignored. Errors name the file and the line number (1-based, counting every line of the file).
 */
final class Table {
    /** One data line. */
    record Row(int line, String[] fields) {
    }

    private final Path file;
    private final String[] header;
    private final List<Row> rows;

    private Table(Path file, String[] header, List<Row> rows) {
        this.file = file;
        this.header = header;
        this.rows = rows;
    }

    /**
     * Reads {@code file}. With {@code hasHeader}, the first non-blank line names the columns and every other line must
     * have as many fields; without, every line must have {@code expectedFields} fields (if positive).
     */
    static Table read(Path file, char delimiter, boolean hasHeader, int expectedFields) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "table file not found");
        }
        String[] header = null;
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = split(file, n, line, delimiter);
                if (hasHeader && header == null) {
                    header = fields;
                    continue;
                }
                int want = header != null ? header.length : expectedFields;
                if (want > 0 && fields.length != want) {
                    throw new CorruptFileException(file + " line " + n + ": " + fields.length + " fields, expected " + want
                            + (header != null ? " (as the header has: " + String.join(String.valueOf(delimiter), header) + ")"
                                    : " separated by '" + delimiter + "'"));
                }
                rows.add(new Row(n, fields));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CorruptFileException(file + ": not UTF-8 text (" + e.getMessage() + ")", e);
        }
        if (hasHeader && header == null) {
            throw new CorruptFileException(file + ": empty: expected a header line");
        }
        return new Table(file, header, rows);
    }

    private static String[] split(Path file, int lineNo, String line, char delimiter) throws CorruptFileException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"' && cur.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cur.setLength(0);
            } else if (ch == delimiter) {
                out.add(wasQuoted ? cur.toString() : cur.toString().trim());
                cur.setLength(0);
                wasQuoted = false;
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new CorruptFileException(file + " line " + lineNo + ": a quoted field is not closed");
        }
        out.add(wasQuoted ? cur.toString() : cur.toString().trim());
        return out.toArray(String[]::new);
    }

    Path file() {
        return file;
    }

    List<Row> rows() {
        return rows;
    }

    /**
     * Index of the column named {@code name} (case-insensitive), or -1 when absent and not {@code required}.
     *
     * @throws CorruptFileException when required and absent (the message lists the columns there are)
     */
    int column(String name, boolean required) throws CorruptFileException {
        if (header == null) {
            throw new IllegalStateException("table without header");
        }
        for (int i = 0; i < header.length; i++) {
            if (header[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        if (required) {
            throw new CorruptFileException(file + " line 1: no column '" + name + "' in the header (columns: "
                    + String.join(", ", Arrays.asList(header)) + ")");
        }
        return -1;
    }

    /**
     * Field {@code col} of {@code row} as a file name resolved against the table's folder (the file need not exist).
     *
     * @throws CorruptFileException when the field is empty or not a file name this system can have (a NUL character)
     */
    Path path(Row row, int col, String name) throws CorruptFileException {
        String s = row.fields()[col];
        if (s.isEmpty()) {
            throw new CorruptFileException(file + " line " + row.line() + ": empty " + name);
        }
        try {
            return file.toAbsolutePath().getParent().resolve(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw new CorruptFileException(file + " line " + row.line() + ": " + name + " '" + s + "' is not a file name ("
                    + e.getReason() + ")", e);
        }
    }

    /** Field {@code col} of {@code row} as an int. */
    int integer(Row row, int col, String name) throws CorruptFileException {
        String s = row.fields()[col];
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new CorruptFileException(file + " line " + row.line() + ": " + name + " is '" + s + "', not an integer");
        }
    }

    /** Field {@code col} of {@code row} as a finite double. */
    double number(Row row, int col, String name) throws CorruptFileException {
        String s = row.fields()[col];
        double v;
        try {
            v = Double.parseDouble(s.toLowerCase(Locale.ROOT).startsWith("0x") ? "bad" : s);
        } catch (NumberFormatException e) {
            throw new CorruptFileException(file + " line " + row.line() + ": " + name + " is '" + s + "', not a number");
        }
        if (!Double.isFinite(v)) {
            throw new CorruptFileException(file + " line " + row.line() + ": " + name + " is '" + s + "', not a finite number");
        }
        return v;
    }
}
