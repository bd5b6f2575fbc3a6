package dev.frugal.tenancy.quotas;

import dev.frugal.tenancy.quotas.QuotaStore.Admission;
import dev.frugal.tenancy.quotas.QuotaStore.Check;
import dev.frugal.tenancy.quotas.QuotaStore.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code x-ratelimit-*} headers for the tightest request and token limit of an admission
 * (the one with the least left), only for the kinds that have a limit. Pure.
 *
 * @see <a href="https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers">OpenAI: rate limits in headers</a>
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {}

    static Map<String, String> of(List<Check> checks, Admission a) {
        Map<String, String> h = new LinkedHashMap<>();
        put(h, "requests", Kind.REQUESTS, checks, a);
        put(h, "tokens", Kind.TOKENS, checks, a);
        return h.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(h);
    }

    private static void put(Map<String, String> h, String name, Kind kind, List<Check> checks, Admission a) {
        int tightest = -1;
        for (int i = 0; i < checks.size(); i++) {
            if (checks.get(i).kind() == kind && (tightest < 0 || a.remaining()[i] < a.remaining()[tightest])) tightest = i;
        }
        if (tightest < 0) return;
        h.put("x-ratelimit-limit-" + name, Long.toString(checks.get(tightest).limit()));
        h.put("x-ratelimit-remaining-" + name, Long.toString(a.remaining()[tightest]));
        h.put("x-ratelimit-reset-" + name, duration(a.reset()[tightest]));
    }

    /** A duration as OpenAI writes it (Go's format, to the millisecond): {@code 0s}, {@code 120ms}, {@code 1s}, {@code 8.64s}, {@code 6m0s}, {@code 1h0m0s}. */
    static String duration(long millis) {
        if (millis <= 0) return "0s";
        if (millis < 1000) return millis + "ms";
        StringBuilder sb = new StringBuilder();
        long hours = millis / 3_600_000, minutes = millis / 60_000 % 60, ms = millis % 60_000;
        if (hours > 0) sb.append(hours).append('h');
        if (hours > 0 || minutes > 0) sb.append(minutes).append('m');
        sb.append(ms / 1000);
        long frac = ms % 1000;
        if (frac > 0) {
            String f = String.format("%03d", frac);
            sb.append('.').append(f.replaceAll("0+$", ""));
        }
        return sb.append('s').toString();
    }
}
