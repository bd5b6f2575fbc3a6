package dev.frugal.catalog;

import java.util.ArrayList;
import java.util.List;

/** A small RFC 4180 reader: comma-separated, {@code "quoted"} fields with {@code ""} for a quote and line breaks inside. */
final class Csv {
    private Csv() {}

    /**
     * The records of {@code text}, skipping blank lines. LF and CRLF both end a record.
     *
     * @param lines  receives the line number each record starts on
     * @param errors receives a problem (an unterminated quote) with its line number
     */
    static List<List<String>> records(String text, List<Integer> lines, List<String> errors) {
        List<List<String>> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int quoteLine = 1;
        for (int i = 0; i < text.length(); i++) {
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
                if (!(rec.size() == 1 && rec.get(0).isBlank())) { out.add(rec); lines.add(recordLine); }
                rec = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                recordLine = ++line;
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (quoted) errors.add("line " + quoteLine + ": a quoted field is never closed");
        rec.add(field.toString());
        if (!(rec.size() == 1 && rec.get(0).isBlank())) { out.add(rec); lines.add(recordLine); }
        return out;
    }
}
