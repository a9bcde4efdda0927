package org.visualbackprop.experiments;

import java.util.ArrayList;
import java.util.List;

/** A single HTML page of figures with captions and preformatted tables: what {@code vbp demo} and {@code vbp figures} write. */
public final class HtmlReport {
    private final String title;
    private final List<String> parts = new ArrayList<>();

    public HtmlReport(String title) {
        this.title = title;
    }

    /** A section heading. */
    public HtmlReport heading(String text) {
        parts.add("<h2>" + escape(text) + "</h2>");
        return this;
    }

    /** A heading one level below {@link #heading}. */
    public HtmlReport subheading(String text) {
        parts.add("<h3>" + escape(text) + "</h3>");
        return this;
    }

    /** A paragraph. */
    public HtmlReport paragraph(String text) {
        parts.add("<p>" + escape(text) + "</p>");
        return this;
    }

    /** An image (path relative to the page) with a caption. */
    public HtmlReport figure(String src, String caption) {
        parts.add("<figure><img src=\"" + escape(src) + "\" alt=\"" + escape(caption) + "\"><figcaption>" + escape(caption)
                + "</figcaption></figure>");
        return this;
    }

    /** An HTML fragment, inserted as it is (such as a table an experiment class made); the caller vouches for it. */
    public HtmlReport html(String fragment) {
        parts.add(fragment);
        return this;
    }

    /** Preformatted text, such as a table from the terminal. */
    public HtmlReport pre(String text) {
        parts.add("<pre>" + escape(text) + "</pre>");
        return this;
    }

    /** The page. */
    public String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;background:#fafafa;color:#222}")
                .append("img{max-width:100%;border:1px solid #ccc}figure{margin:1em 0}figcaption{color:#555;font-size:90%}")
                .append("pre{background:#fff;border:1px solid #ddd;padding:.6em;overflow-x:auto}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em}</style></head><body>\n<h1>")
                .append(escape(title)).append("</h1>\n");
        for (String p : parts) {
            sb.append(p).append('\n');
        }
        return sb.append("</body></html>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
