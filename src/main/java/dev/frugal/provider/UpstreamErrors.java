package dev.frugal.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Pieces every adapter's error mapper needs whatever its protocol: keeping the provider
 * credential out of messages, and reading how long the upstream asked us to wait. Pure.
 */
public final class UpstreamErrors {
    private static final int MAX_MESSAGE = 500;
    private static final Pattern SK_KEY = Pattern.compile("sk-[A-Za-z0-9_*-]{6,}");

    private UpstreamErrors() {}

    /**
     * The upstream's message made safe to show a client: every configured credential of the provider ({@link Credentials}: the
     * key whole or its first 8 characters as providers print masked keys, the extra headers' values, URL credentials) and anything shaped like an
     * {@code sk-} key replaced, and the text cut to 500 characters.
     */
    public static String scrub(String message, Credentials secrets) {
        if (message == null) return null;
        String m = Credentials.mask(message, secrets, 8);
        m = SK_KEY.matcher(m).replaceAll("sk-***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }

    /**
     * {@code retry-after-ms}, then {@code retry-after} as seconds or an HTTP date, rounded up to
     * whole seconds; -1 when absent, negative (Azure sends {@code -1} in some headers) or unreadable.
     *
     * @param clock now, which an HTTP date is counted from
     */
    public static long retryAfterSeconds(MultiMap headers, Clock clock) {
        if (headers == null) return -1;
        try {
            String ms = headers.get("retry-after-ms");
            if (ms != null) {
                double v = Double.parseDouble(ms.trim());
                return v < 0 ? -1 : (long) Math.ceil(v / 1000.0);
            }
            String ra = headers.get("retry-after");
            if (ra == null) return -1;
            ra = ra.trim();
            if (ra.matches("\\d+(\\.\\d+)?")) return (long) Math.ceil(Double.parseDouble(ra));
            ZonedDateTime at = ZonedDateTime.parse(ra, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, Duration.between(clock.instant(), at.toInstant()).toSeconds());
        } catch (RuntimeException unparseable) {
            return -1;
        }
    }

    /**
     * The error object of an error body in any shape seen in the wild: {@code {error:{…}}},
     * {@code {error:"text"}}, a flat object, or text/HTML (a proxy's page, Cloudflare's 413) as a
     * message-only object cut to 200 characters.
     */
    public static JsonNode errorNode(Buffer body) {
        if (body == null || body.length() == 0) return Json.object();
        try {
            JsonNode root = Json.parse(body);
            JsonNode e = root.get("error");
            if (e == null) return root;
            if (e.isTextual()) return Json.object().put("message", e.asText());
            return e;
        } catch (Exception notJson) {
            String text = body.toString().strip();
            return Json.object().put("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }
}
