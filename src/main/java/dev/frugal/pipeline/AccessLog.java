package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.routing.Attempt;
import dev.frugal.wire.Json;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One JSON line per settled request on the log category {@value #CATEGORY} (docs/observability.md#access-log):
 * who (team, key id — never the key), what (surface, model, route, deployment), how it went (status, error
 * code, attempts, cache, tokens, cost, latency, time to first token). Never a prompt, an answer or a secret:
 * every field is from the gateway's own bounded vocabulary or a number, except the model name the client
 * sent, which the ledger keeps bounded too. Off unless {@code frugal.access-log.enabled}; the container
 * image and the Helm chart turn it on. The category's handler is asynchronous (application.properties),
 * so writing the line does not wait for the console on the event loop.
 */
@Singleton
class AccessLog implements Settlement.AfterStep {
    static final String CATEGORY = "frugal.access";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    @ConfigProperty(name = "frugal.access-log.enabled", defaultValue = "false")
    volatile boolean enabled;

    /** Turns the log on or off while running (tests; the setting is read at start). */
    void enabled(boolean on) { enabled = on; }

    @Override
    public void after(Exchange ex, Settlement.Settled s) {
        if (enabled) LOG.info(line(ex, s));
    }

    /** The line, as JSON. */
    static String line(Exchange ex, Settlement.Settled s) {
        ObjectNode o = Json.object();
        o.put("time", Instant.ofEpochMilli(ex.startMillis).toString());
        o.put("request_id", ex.requestId);
        if (ex.traceId != null) o.put("trace_id", ex.traceId);
        o.put("team", ex.team == null ? null : ex.team.name());
        o.put("key_id", ex.caller == null ? null : ex.caller.keyId());
        o.put("surface", ex.endpoint);
        o.put("model", ex.requestedModel);
        o.put("route", ex.route);
        Attempt last = ex.served != null ? ex.served : ex.lastTried;
        o.put("served_model", ex.hit != null ? ex.hit.model() : last == null ? null : last.model());
        o.put("deployment", ex.hit != null ? "cache" : last == null ? null
                : last.provider().name() + "/" + last.deployment().upstreamModel());
        o.put("status", s.status());
        o.put("error_code", s.errorCode());
        o.put("attempts", ex.attempts);
        o.put("cache", ex.cacheStatus);
        o.put("stream", ex.streamed);
        o.put("input_tokens", s.usage().promptTokens());
        o.put("output_tokens", s.usage().completionTokens());
        o.put("tokens_estimated", s.estimated());
        o.put("cost_usd", BigDecimal.valueOf(s.costMicros(), 6));
        o.put("latency_ms", s.took().toMillis());
        if (ex.firstChunkNanos != 0) o.put("ttft_ms", (ex.firstChunkNanos - ex.startNanos) / 1_000_000);
        return Json.write(o);
    }
}
