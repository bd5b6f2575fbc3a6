package dev.frugal.core;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One canonical text for JSON values that mean the same: object keys sorted, no whitespace,
 * numbers by value ({@code 1}, {@code 1.0} and {@code 1e0} are all {@code 1}). Pure.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    /** The canonical text of {@code n}, leaving out the top-level fields named in {@code skipTopLevel}. */
    public static String of(JsonNode n, Set<String> skipTopLevel) {
        StringBuilder sb = new StringBuilder(256);
        append(sb, n, skipTopLevel);
        return sb.toString();
    }

    private static void append(StringBuilder sb, JsonNode n, Set<String> skip) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject()) {
            List<String> names = new ArrayList<>(n.size());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!skip.contains(name)) names.add(name);
            }
            Collections.sort(names);
            sb.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) sb.append(',');
                string(sb, names.get(i));
                sb.append(':');
                append(sb, n.get(names.get(i)), Set.of());
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) sb.append(',');
                append(sb, n.get(i), Set.of());
            }
            sb.append(']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            sb.append(d.scale() <= 0 ? d.toBigIntegerExact().toString() : d.toPlainString());
        } else {
            sb.append(n.asText()); // true, false; binary and POJO nodes never come from parsed JSON
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }
}
