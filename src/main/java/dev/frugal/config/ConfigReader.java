package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.Money;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of the YAML tree and collects every problem as {@code path: message}
 * ({@code models[2].deployments[0].provider: unknown provider 'olama'}), so that one pass reports them
 * all. A bad value is reported and its fallback returned, and reading goes on. One per compilation;
 * not thread-safe.
 */
final class ConfigReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");

    private final List<String> problems = new ArrayList<>();
    /**
     * JSON types are taken at their word: text must be a JSON string and counts a JSON number (an
     * amount in USD may still be a decimal string, read exactly). For the admin API's bodies, whose
     * client chose every type; YAML's plain scalars ({@code name: 2024}) stay lenient in the file.
     */
    private final boolean strictTypes;

    ConfigReader() { this(false); }

    ConfigReader(boolean strictTypes) { this.strictTypes = strictTypes; }

    void error(String path, String message) {
        String problem = path + ": " + message;
        if (!problems.contains(problem)) problems.add(problem); // a section read over several bases is reported once
    }

    /** Throws {@link InvalidConfigException} with every problem found so far, if any. */
    void throwIfErrors() {
        if (!problems.isEmpty()) throw new InvalidConfigException(problems);
    }

    // ---- shapes ---------------------------------------------------------------------------

    void allowOnly(JsonNode n, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) error(join(path, f), "unknown field" + suggest(f, allowed));
        });
    }

    boolean isMap(JsonNode n, String path) {
        if (n != null && n.isObject()) return true;
        error(path, "must be a mapping");
        return false;
    }

    /** Whether {@code n} is a list; with {@code optional}, an absent or null one is no list and no problem. */
    boolean isList(JsonNode n, String path, boolean optional) {
        if (optional && isAbsent(n)) return false;
        if (n != null && n.isArray()) return true;
        error(path, "must be a list");
        return false;
    }

    /**
     * Calls {@code each} with every mapping of the optional list {@code section[]} and its path
     * ({@code models[2]}), in file order; an item that is not a mapping is reported and skipped.
     */
    void eachMapping(JsonNode list, String section, BiConsumer<JsonNode, String> each) {
        if (!isList(list, section, true)) return;
        for (int i = 0; i < list.size(); i++) {
            String path = section + "[" + i + "]";
            JsonNode n = list.get(i);
            if (isMap(n, path)) each.accept(n, path);
        }
    }

    /**
     * Keeps {@code value} under {@code name} unless the name is null (missing or bad, already
     * reported) or already taken by another {@code kind} (reported at {@code path.name}).
     *
     * @return whether it was kept
     */
    <T> boolean putUnique(Map<String, T> out, String name, T value, String path, String kind) {
        if (name == null) return false;
        if (out.containsKey(name)) {
            error(path + ".name", "duplicate " + kind + " name '" + name + "'");
            return false;
        }
        out.put(name, value);
        return true;
    }

    // ---- values ---------------------------------------------------------------------------

    String requiredText(JsonNode n, String path) {
        if (isAbsent(n)) { error(path, "is required"); return null; }
        if (!isText(n)) { error(path, "must be a string"); return null; }
        String s = n.asText();
        if (s.isBlank()) { error(path, "must not be empty"); return null; }
        return s;
    }

    String optionalText(JsonNode n, String path, String fallback) {
        if (isAbsent(n)) return fallback;
        if (!isText(n)) { error(path, "must be a string"); return fallback; }
        return n.asText();
    }

    /** Text as this reader takes it: a JSON string, or (lenient) any scalar. */
    private boolean isText(JsonNode n) {
        return strictTypes ? n.isTextual() : n.isValueNode();
    }

    boolean bool(JsonNode n, String path, boolean fallback) {
        if (n == null) return fallback;
        if (!n.isBoolean()) { error(path, "must be true or false"); return fallback; }
        return n.asBoolean();
    }

    /** A provider, model, route or team name. */
    String name(JsonNode n, String path) {
        String s = requiredText(n, path);
        if (s != null && !isName(s)) {
            error(path, "'" + s + "' is not a valid name (letters, digits and . _ : / @ -, at most 128)");
            return null;
        }
        return s;
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** An http(s) URL with a host; a trailing slash is dropped. */
    URI url(JsonNode n, String path) {
        String s = requiredText(n, path);
        if (s == null) return null;
        try {
            URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                error(path, "must be an http:// or https:// URL with a host");
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            error(path, "not a valid URL");
            return null;
        }
    }

    /** A number (or numeric string) in {@code [min, max]}. */
    double number(JsonNode n, String path, double fallback, double min, double max) {
        if (n == null || n.isNull()) return fallback;
        double v;
        if (n.isNumber()) v = n.asDouble();
        else if (n.isTextual() && !strictTypes) {
            try { v = Double.parseDouble(n.asText().trim()); } catch (NumberFormatException e) { error(path, "must be a number"); return fallback; }
        } else { error(path, "must be a number"); return fallback; }
        if (v < min || v > max || Double.isNaN(v)) { error(path, "must be between " + fmt(min) + " and " + fmt(max)); return fallback; }
        return v;
    }

    static boolean isFractional(JsonNode n) {
        return n != null && n.isNumber() && n.asDouble() != Math.rint(n.asDouble());
    }

    /** A duration in the syntax of {@link Durations}. */
    Duration duration(JsonNode n, String path, Duration fallback) {
        if (n == null || n.isNull()) return fallback;
        Duration d = Durations.parse(n.asText());
        if (d == null || !n.isValueNode()) { error(path, "must be a duration such as 250ms, 5s or 2m"); return fallback; }
        return d;
    }

    /** A size in bytes ({@code 65536}, {@code 4MiB}, {@code 1GB}), from 1 KiB to 1 GiB. */
    long size(JsonNode n, String path, long fallback) {
        if (n == null || n.isNull()) return fallback;
        Matcher m = SIZE.matcher(n.asText().trim());
        if (!n.isValueNode() || !m.matches()) { error(path, "must be a size such as 4MiB or 65536"); return fallback; }
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mult = switch (unit) {
            case "KiB" -> 1024L; case "MiB" -> 1024L * 1024; case "GiB" -> 1024L * 1024 * 1024;
            case "KB" -> 1000L; case "MB" -> 1_000_000L; case "GB" -> 1_000_000_000L; default -> 1L;
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), mult);
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes < 1024 || bytes > 1024L * 1024 * 1024) { error(path, "must be between 1KiB and 1GiB"); return fallback; }
        return bytes;
    }

    /** An amount in USD (number or string, read exactly) as micro-USD; at most 6 decimals, not negative. */
    long usdMicros(JsonNode n, String path, long fallback) {
        if (n == null || n.isNull()) return fallback;
        if (!n.isNumber() && !n.isTextual()) { error(path, "must be an amount in USD, e.g. 12.5"); return fallback; }
        try {
            BigDecimal usd = new BigDecimal(n.asText().trim());
            if (usd.signum() < 0) { error(path, "must not be negative"); return fallback; }
            if (usd.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) { error(path, "must be at most 1000000000"); return fallback; }
            return Money.micros(usd);
        } catch (NumberFormatException | ArithmeticException e) {
            error(path, "must be an amount in USD, e.g. 12.5");
            return fallback;
        }
    }

    /** {@code field} of {@code n} in USD, which must be there; -1 when it is absent or bad. */
    long requiredUsd(JsonNode n, String field, String path) {
        if (n.get(field) == null || n.get(field).isNull()) { error(path + "." + field, "is required"); return -1; }
        return usdMicros(n.get(field), path + "." + field, -1);
    }

    /** One of an enum's constants, by its lower-case name. */
    <E extends Enum<E>> E oneOf(JsonNode n, String path, Class<E> type, E fallback) {
        if (n == null || n.isNull()) return fallback;
        String s = isText(n) ? n.asText().trim().toUpperCase(Locale.ROOT) : "";
        for (E e : type.getEnumConstants()) if (e.name().equals(s)) return e;
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
        error(path, "must be one of " + String.join(", ", names));
        return null;
    }

    // ---- paths and messages ---------------------------------------------------------------

    static String join(String path, String field) { return path.isEmpty() ? field : path + "." + field; }

    static boolean isAbsent(JsonNode n) { return n == null || n.isNull() || n.isMissingNode(); }

    /** " (did you mean 'x'?)" when a known name is one or two edits away. */
    static String suggest(String got, Iterable<String> known) {
        String best = null;
        int bestDist = 3;
        for (String k : known) {
            int d = editDistance(got, k);
            if (d < bestDist) { bestDist = d; best = k; }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    private static String fmt(double d) { return d == Math.rint(d) ? Long.toString((long) d) : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(); }
}
