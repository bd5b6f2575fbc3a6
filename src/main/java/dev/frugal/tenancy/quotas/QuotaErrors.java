package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Money;
import dev.frugal.tenancy.quotas.QuotaStore.Admission;
import dev.frugal.tenancy.quotas.QuotaStore.Check;
import dev.frugal.tenancy.quotas.QuotaStore.Demand;
import dev.frugal.tenancy.quotas.QuotaStore.Scope;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The 429s of a rejected admission, in OpenAI's conventions: {@code rate_limit_exceeded} with
 * type {@code requests} or {@code tokens}, {@code Retry-After} and the {@code x-ratelimit-*}
 * headers; {@code budget_exceeded} with type {@code insufficient_quota} and
 * {@code x-should-retry: false} (the OpenAI SDKs retry every other 429). Messages name the
 * caller's own team and limits, nothing of anyone else. Pure.
 */
final class QuotaErrors {
    private QuotaErrors() {}

    static GatewayError rejection(Demand d, Admission a, int i) {
        Check c = d.checks().get(i);
        String whose = c.scope() == Scope.TEAM ? "team '" + d.team() + "'" : "this API key";
        long left = a.remaining()[i];
        Map<String, String> headers = RateLimitHeaders.of(d.checks(), a);
        return switch (c.kind()) {
            case CONCURRENCY -> new GatewayError(429, "requests", "rate_limit_exceeded", null,
                    "Too many concurrent requests for " + whose + ": limit " + c.limit()
                            + " in flight. Please try again when one has finished.", seconds(a.retryAfter()))
                    .withHeaders(headers);
            case REQUESTS -> new GatewayError(429, "requests", "rate_limit_exceeded", null,
                    "Rate limit reached for requests per minute (RPM) of " + whose + ": Limit " + c.limit() + ", Used "
                            + (c.limit() - left) + ", Requested 1. Please try again in "
                            + RateLimitHeaders.duration(a.retryAfter()) + ".", seconds(a.retryAfter()))
                    .withHeaders(headers);
            case TOKENS -> a.retryAfter() < 0
                    ? new GatewayError(429, "tokens", "rate_limit_exceeded", null,
                    "Request too large for tokens per minute (TPM) of " + whose + ": Limit " + c.limit()
                            + ", and this request may use more (prompt + max output). Lower max_tokens or shorten the prompt.", -1)
                    .withHeaders(doNotRetry(headers))
                    : new GatewayError(429, "tokens", "rate_limit_exceeded", null,
                    "Rate limit reached for tokens per minute (TPM) of " + whose + ": Limit " + c.limit() + ", Used "
                            + (c.limit() - left) + ", Requested " + c.amount() + " (prompt + max output). Please try again in "
                            + RateLimitHeaders.duration(a.retryAfter()) + ".", seconds(a.retryAfter()))
                    .withHeaders(headers);
            case BUDGET -> new GatewayError(429, "insufficient_quota", "budget_exceeded", null,
                    "Budget exceeded: this request may cost up to " + usd(c.amount()) + " and " + usd(left) + " is left of the "
                            + adjective(c.budget().period()) + " budget of " + usd(c.limit()) + " of " + whose
                            + " until " + Instant.ofEpochMilli(c.periodEnd()) + ". Lower max_tokens, or ask an admin to raise the budget.", -1)
                    .withHeaders(GatewayError.DO_NOT_RETRY);
        };
    }

    private static Map<String, String> doNotRetry(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(GatewayError.DO_NOT_RETRY);
        return all;
    }

    /** Whole seconds for {@code Retry-After}, rounded up, at least 1; -1 stays unknown. */
    static long seconds(long millis) {
        return millis < 0 ? -1 : Math.max(1, (millis + 999) / 1000);
    }

    /** Micro-USD as dollars: {@code $500.00}, {@code $0.000150}→{@code $0.00015}. */
    static String usd(long micros) {
        BigDecimal d = Money.usdShort(micros);
        return "$" + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }

    static String adjective(Budget.Period p) {
        return switch (p) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
        };
    }
}
