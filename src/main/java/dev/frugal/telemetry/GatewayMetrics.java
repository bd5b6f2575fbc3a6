package dev.frugal.telemetry;

import dev.frugal.core.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Metric names and tags of the gateway. Tags are bounded: team and model names come from the
 * config (an unknown model is tagged {@code unknown}); key ids are never tags.
 */
@ApplicationScoped
public class GatewayMetrics {
    public static final String REQUESTS = "frugal.requests";
    public static final String TOKENS = "frugal.tokens";
    public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
    public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    public static final String ATTEMPTS = "frugal.upstream.attempts";

    @Inject MeterRegistry registry;

    /** Records one finished request. */
    public void request(String endpoint, String team, String model, String provider, int status, Duration took,
                        Usage usage, int attempts) {
        String statusTag = Integer.toString(status);
        Counter.builder(REQUESTS).description("Requests answered, by outcome")
                .tags("endpoint", endpoint, "team", team, "model", model, "provider", provider, "status", statusTag)
                .register(registry).increment();
        Timer.builder(REQUEST_DURATION).description("Time from request to the end of the response")
                .tags("gen_ai.operation.name", endpoint, "gen_ai.request.model", model, "team", team,
                        "error.type", status >= 400 ? statusTag : "none")
                .register(registry).record(took);
        if (usage != null && usage.totalTokens() > 0) {
            Counter.builder(TOKENS).description("Tokens used").tags("team", team, "model", model, "provider", provider, "type", "prompt")
                    .register(registry).increment(usage.promptTokens());
            Counter.builder(TOKENS).description("Tokens used").tags("team", team, "model", model, "provider", provider, "type", "completion")
                    .register(registry).increment(usage.completionTokens());
        }
        if (attempts > 0) {
            Counter.builder(ATTEMPTS).description("Upstream attempts made").tags("model", model, "provider", provider)
                    .register(registry).increment(attempts);
        }
    }

    public void timeToFirstToken(String model, Duration ttft) {
        Timer.builder(TIME_TO_FIRST_TOKEN).description("Time to the first streamed chunk")
                .tags("gen_ai.request.model", model).register(registry).record(ttft);
    }
}
