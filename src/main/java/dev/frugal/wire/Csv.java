package dev.frugal.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The one CSV reader (RFC 4180): comma-separated, {@code "quoted"} fields with {@code ""} for a quote and
 * commas or line breaks inside, LF or CRLF ending a record, a leading byte-order mark skipped. It splits
 * fields only: what a column means is the caller's (the model catalog, outcome tables). Stateless.
 */
public final class Csv {
    private Csv() {}

    /**
     * One record of the file.
     *
     * @param line   the line it starts on, from 1 (a quoted field may carry it over several lines)
     * @param fields its fields, unquoted
     */
    public record Record(int line, List<String> fields) {}

    /**
     * The records of {@code text}, skipping blank lines.
     *
     * @param problems receives each problem (a quoted field never closed) with its line number; the
     *                 records read are returned all the same
     */
    public static List<Record> read(String text, List<String> problems) {
        List<Record> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int quoteLine = 1;
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') { field.append('"'); i++; }
                    else quoted = false;
                } else {
                    if (c == '\n') line++;
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                quoteLine = line;
            } else if (c == ',') {
                rec.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n') {
                rec.add(field.toString());
                add(out, rec, recordLine);
                rec = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                recordLine = ++line;
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (quoted) problems.add("line " + quoteLine + ": a quoted field is never closed");
        rec.add(field.toString());
        add(out, rec, recordLine);
        return out;
    }

    private static void add(List<Record> out, List<String> rec, int line) {
        if (!(rec.size() == 1 && rec.get(0).isBlank())) out.add(new Record(line, rec));
    }
}
