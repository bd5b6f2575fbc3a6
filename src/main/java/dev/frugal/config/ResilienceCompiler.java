package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.UnaryOperator;

/**
 * A {@code resilience} section — at the top level, or in a provider, model or route — as the
 * fields it sets over the settings beneath it ({@link ResilienceLayers}).
 */
final class ResilienceCompiler {
    private final ConfigReader r;

    ResilienceCompiler(ConfigReader r) { this.r = r; }

    /** The top-level section over the built-in {@link ResilienceSettings#DEFAULT}. */
    ResilienceSettings compileDefaults(JsonNode n) {
        UnaryOperator<ResilienceSettings> section = section(n, "resilience");
        return section == null ? ResilienceSettings.DEFAULT : section.apply(ResilienceSettings.DEFAULT);
    }

    /**
     * The section at {@code path}, checked at once (so that it is reported even where it layers over
     * nothing), or null when there is none or it is not a mapping.
     */
    UnaryOperator<ResilienceSettings> section(JsonNode n, String path) {
        if (n == null || n.isNull()) return null;
        if (!r.isMap(n, path)) return null;
        r.allowOnly(n, path, "retries", "backoff", "max-backoff", "max-retry-after", "retry-budget", "breaker-failures",
                "breaker-cooldown", "max-concurrent", "first-token-timeout", "total-timeout",
                "probe-interval", "breaker-failure-ratio", "breaker-window", "max-queue", "queue-timeout");
        over(n, path, ResilienceSettings.DEFAULT);
        return base -> over(n, path, base); // its problems, if any, are already reported (and kept once)
    }

    private ResilienceSettings over(JsonNode n, String p, ResilienceSettings base) {
        return new ResilienceSettings(
                (int) r.number(n.get("retries"), p + ".retries", base.retries(), 0, 10),
                r.duration(n.get("backoff"), p + ".backoff", base.backoff()),
                r.duration(n.get("max-backoff"), p + ".max-backoff", base.maxBackoff()),
                r.duration(n.get("max-retry-after"), p + ".max-retry-after", base.maxRetryAfter()),
                r.number(n.get("retry-budget"), p + ".retry-budget", base.retryBudget(), 0, 1),
                (int) r.number(n.get("breaker-failures"), p + ".breaker-failures", base.breakerFailures(), 1, 1000),
                r.duration(n.get("breaker-cooldown"), p + ".breaker-cooldown", base.breakerCooldown()),
                (int) r.number(n.get("max-concurrent"), p + ".max-concurrent", base.maxConcurrent(), 0, 1_000_000),
                r.duration(n.get("first-token-timeout"), p + ".first-token-timeout", base.firstToken()),
                r.duration(n.get("total-timeout"), p + ".total-timeout", base.total()),
                r.duration(n.get("probe-interval"), p + ".probe-interval", base.probeInterval()),
                r.number(n.get("breaker-failure-ratio"), p + ".breaker-failure-ratio", base.breakerFailureRatio(), 0.01, 1),
                (int) r.number(n.get("breaker-window"), p + ".breaker-window", base.breakerWindow(), 2, 10_000),
                (int) r.number(n.get("max-queue"), p + ".max-queue", base.maxQueue(), 0, 1_000_000),
                r.duration(n.get("queue-timeout"), p + ".queue-timeout", base.queueTimeout()));
    }
}
