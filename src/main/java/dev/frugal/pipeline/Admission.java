package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.tenancy.quotas.Quotas;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admit stage: a slot of the gateway's in-flight limit (503 {@code overloaded} past it), then
 * the caller's rate limits and a budget reservation of the worst case over the plan — the
 * estimated prompt plus the most output any candidate may produce, at the highest price (on a cascade
 * route, the sum of each model's worst case: a request may pay every model it escalates through) —
 * admitted all or nothing ({@link Quotas}). Both are given back when the request is settled.
 */
@Singleton
class Admission {
    @Inject Quotas quotas;
    @Inject Pricing pricing;

    private final AtomicInteger inFlight = new AtomicInteger();

    /** Upstream requests in flight now, across the gateway. */
    int inFlight() { return inFlight.get(); }

    /**
     * A cache hit: the caller's rate limits and budgets, with no tokens (a hit uses none upstream) and
     * the hit's billed fraction as the reservation. A hit counts as one request against
     * requests per minute, and takes no slot of the gateway's in-flight limit. Fails with the quota's refusal.
     */
    Future<Void> admitHit(Exchange ex) {
        return quotas.admit(ex.caller, 0, ex.cachePolicy.billedMicros(ex.hit.costMicros())).map(ticket -> {
            ex.ticket = ticket;
            return null;
        });
    }

    /** Fails with the quota's refusal (429, 402…); throws 503 {@code overloaded} at the in-flight limit. */
    Future<Void> admit(Exchange ex, Plan plan, RequestView view) {
        long prompt = view.promptTokens();
        long asked = view.outputLimit();
        ex.cascading = Cascades.applies(ex, view);
        // the worst of each model's deployments; a cascade may pay every model it escalates through, so their sum
        long worstTokens = prompt, worstMicros = 0, modelTokens = 0, modelMicros = 0;
        String model = null;
        for (Attempt a : plan.attempts()) {
            if (ex.cascading && !a.model().equals(model)) {
                worstTokens = model == null ? 0 : worstTokens + modelTokens;
                worstMicros += modelMicros;
                modelTokens = 0;
                modelMicros = 0;
                model = a.model();
            }
            ModelConfig m = ex.config.model(a.model());
            long out = asked >= 0 ? asked : pricing.maxOutputTokens(ex.config, m, a.deployment());
            Price p = pricing.price(ex.config, m, a.deployment());
            long micros = p == null ? 0 : p.costMicros(new Usage(prompt, out, 0, 0));
            if (ex.cascading) {
                modelTokens = Math.max(modelTokens, prompt + out);
                modelMicros = Math.max(modelMicros, micros);
            } else {
                worstTokens = Math.max(worstTokens, prompt + out);
                worstMicros = Math.max(worstMicros, micros);
            }
        }
        if (ex.cascading) {
            worstTokens += modelTokens;
            worstMicros += modelMicros;
        }
        int limit = ex.config.server().maxInFlight();
        if (inFlight.incrementAndGet() > limit && limit > 0) {
            inFlight.decrementAndGet();
            throw new GatewayError(503, "service_unavailable_error", "overloaded", null,
                    "The gateway is at capacity; retry shortly.", 1);
        }
        ex.release = inFlight::decrementAndGet;
        return quotas.admit(ex.caller, worstTokens, worstMicros).map(ticket -> {
            ex.ticket = ticket;
            return null;
        });
    }
}
