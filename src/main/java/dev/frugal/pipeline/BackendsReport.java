package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.resilience.BackendState;
import dev.frugal.resilience.Backends;
import dev.frugal.resilience.CircuitBreaker;
import dev.frugal.resilience.HealthProbes;
import dev.frugal.wire.Json;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.Comparator;

/**
 * What {@code GET /admin/backends} shows: every deployment the gateway has called, with its
 * state, circuit, cooldown, load, recent outcomes and its provider's health probe. Reads
 * in-memory state only; safe on the event loop.
 */
@Singleton
public class BackendsReport {
    @Inject Backends backends;

    public ObjectNode list() {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        backends.all().stream().sorted(Comparator.comparing(BackendState::key)).forEach(b -> {
            long total = b.successes() + b.failures();
            ObjectNode o = data.addObject().put("deployment", b.key()).put("state", state(b))
                    .put("circuit", b.circuit().name().toLowerCase()).put("cooling_down", b.coolingDown())
                    .put("in_flight", b.inFlight()).put("queued", b.queued()).put("successes", b.successes()).put("failures", b.failures())
                    .put("error_rate", total == 0 ? 0.0 : (double) b.failures() / total);
            if (b.latencyEwmaMs() >= 0) o.put("latency_ms", Math.round(b.latencyEwmaMs() * 10) / 10.0);
            else o.putNull("latency_ms");
            HealthProbes.Health h = backends.probes().health(b.provider());
            ObjectNode probe = o.putObject("probe").put("status", h.status().name().toLowerCase());
            if (h.lastError() != null) probe.put("last_error", h.lastError()); else probe.putNull("last_error");
            if (h.latencyMs() >= 0) probe.put("latency_ms", h.latencyMs()); else probe.putNull("latency_ms");
            if (h.checkedAt() != null) probe.put("checked_at", h.checkedAt().toString()); else probe.putNull("checked_at");
        });
        return root;
    }

    /** probe_down (failing health probes), open (circuit open), cooling_down (after a 429), degraded (recent failures), healthy. */
    private String state(BackendState b) {
        if (backends.probes().down(b.provider())) return "probe_down";
        if (b.circuit() == CircuitBreaker.State.OPEN) return "open";
        if (b.coolingDown()) return "cooling_down";
        if (b.circuit() == CircuitBreaker.State.HALF_OPEN || b.consecutiveFailures() > 0) return "degraded";
        return "healthy";
    }
}
