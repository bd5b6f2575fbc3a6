package dev.frugal.telemetry;

import dev.frugal.core.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Metric names and tags of the gateway. Tags are bounded: team and model names come from the
 * config (an unknown model is tagged {@code unknown}); key ids are never tags. Meters are looked
 * up once per tag combination and then reused, so recording costs no allocation on the hot path.
 */
@Singleton
public class GatewayMetrics {
    public static final String REQUESTS = "frugal.requests";
    public static final String TOKENS = "frugal.tokens";
    public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
    public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    public static final String TIME_PER_OUTPUT_TOKEN = "gen_ai.server.time_per_output_token";
    /** One count per deployment tried or passed over, by outcome: attempts made are those not {@code skipped_*}. */
    public static final String ATTEMPTS = "frugal.upstream.attempts";
    /** A cascade route's answers that failed their check; tags {@code route}, {@code model}, {@code reason}. */
    public static final String ESCALATIONS = "frugal.cascade.escalations";

    /*
     * Histogram buckets (Prometheus `le`), so that `histogram_quantile` works across replicas. LLM calls
     * take from a cache hit's millisecond to minutes: the GenAI conventions' advice
     * (0.01 s doubling to 81.92 s), below it the gateway's own milliseconds, above it long generations.
     */
    static final Duration[] DURATION_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64,
            1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68);
    /** The conventions' time-to-first-token advice, with slow starts up to a minute. */
    static final Duration[] FIRST_TOKEN_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 30.0, 60.0);
    /** The conventions' time-per-output-token advice, with the fast end of local and batched models. */
    static final Duration[] TOKEN_TIME_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
            0.4, 0.5, 0.75, 1.0, 2.5);
    /** Tokens per request: the conventions' advice, 4^0 to 4^13. */
    static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};

    private record Key(String endpoint, String team, String model, String provider, int status) {}

    public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String COST = "frugal.cost";
    public static final String SAVINGS = "frugal.savings";

    private record Meters(Counter requests, Timer duration, Counter promptTokens, Counter completionTokens,
                          DistributionSummary inputUsage, DistributionSummary outputUsage, Counter cost, Counter savings) {}

    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();
    private final Map<String, Timer> ttft = new ConcurrentHashMap<>();
    private final Map<String, Timer> tpot = new ConcurrentHashMap<>();
    /** provider → model → outcome tag → counter: three lookups and no key object per attempt. */
    private final Map<String, Map<String, Map<String, Counter>>> attempt = new ConcurrentHashMap<>();

    @Inject MeterRegistry registry;

    /** Records one finished request. */
    public void request(String endpoint, String team, String model, String provider, int status, Duration took, Usage usage) {
        request(endpoint, team, model, provider, status, took, usage, 0, 0);
    }

    /**
     * Records one finished request with its cost and savings in micro-USD (exact in the ledger;
     * the metric is a USD double for dashboards).
     */
    public void request(String endpoint, String team, String model, String provider, int status, Duration took,
                        Usage usage, long costMicros, long savingsMicros) {
        Meters m = meters.computeIfAbsent(new Key(endpoint, team, model, provider, status), this::create);
        m.requests.increment();
        m.duration.record(took.toNanos(), TimeUnit.NANOSECONDS);
        if (usage != null && usage.totalTokens() > 0) {
            m.promptTokens.increment(usage.promptTokens());
            m.completionTokens.increment(usage.completionTokens());
            m.inputUsage.record(usage.promptTokens());
            m.outputUsage.record(usage.completionTokens());
        }
        if (costMicros > 0) m.cost.increment(costMicros / 1e6);
        if (savingsMicros != 0) m.savings.increment(savingsMicros / 1e6);
    }

    public void timeToFirstToken(String model, Duration took) {
        ttft.computeIfAbsent(model, mo -> Timer.builder(TIME_TO_FIRST_TOKEN).description("Time to the first streamed chunk")
                .serviceLevelObjectives(FIRST_TOKEN_BUCKETS)
                .tags("gen_ai.request.model", mo).register(registry)).record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A successful stream's time per output token after the first: (end − first chunk) ÷ (output tokens − 1). */
    public void timePerOutputToken(String model, long nanos) {
        tpot.computeIfAbsent(model, mo -> Timer.builder(TIME_PER_OUTPUT_TOKEN).description("Time per output token after the first, of streams")
                .serviceLevelObjectives(TOKEN_TIME_BUCKETS)
                .tags("gen_ai.request.model", mo).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts one deployment tried or passed over, by its outcome (a bounded set of tags, see resilience.AttemptOutcome). */
    public void attempt(String provider, String model, String outcome) {
        Map<String, Map<String, Counter>> byModel = attempt.get(provider);
        Map<String, Counter> byOutcome = byModel == null ? null : byModel.get(model);
        Counter c = byOutcome == null ? null : byOutcome.get(outcome);
        if (c == null) c = attemptCounter(provider, model, outcome); // first time only: the lambdas allocate
        c.increment();
    }

    /**
     * Counts one answer of a cascade route escalated to the next model, by route, the model whose answer failed
     * the check, and the check (a bounded set: routing.CascadeCheck.Reason). Rare next to requests: looked up each time.
     */
    public void escalation(String route, String model, String reason) {
        Counter.builder(ESCALATIONS).description("Answers of cascade routes escalated to the next model, by reason")
                .tags("route", route, "model", model, "reason", reason).register(registry).increment();
    }

    private Counter attemptCounter(String provider, String model, String outcome) {
        return attempt.computeIfAbsent(provider, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(model, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> Counter.builder(ATTEMPTS).description("Deployments tried or passed over, by outcome")
                        .tags("provider", provider, "model", model, "outcome", o).register(registry));
    }

    private Meters create(Key k) {
        String status = Integer.toString(k.status());
        return new Meters(
                Counter.builder(REQUESTS).description("Requests answered, by outcome")
                        .tags("endpoint", k.endpoint(), "team", k.team(), "model", k.model(), "provider", k.provider(), "status", status)
                        .register(registry),
                Timer.builder(REQUEST_DURATION).description("Time from request to the end of the response")
                        .serviceLevelObjectives(DURATION_BUCKETS)
                        .tags("gen_ai.operation.name", operation(k.endpoint()), "gen_ai.request.model", k.model(), "team", k.team(),
                                "gen_ai.provider.name", k.provider(), "error.type", k.status() >= 400 ? status : "none")
                        .register(registry),
                Counter.builder(TOKENS).description("Tokens used")
                        .tags("team", k.team(), "model", k.model(), "provider", k.provider(), "type", "prompt").register(registry),
                Counter.builder(TOKENS).description("Tokens used")
                        .tags("team", k.team(), "model", k.model(), "provider", k.provider(), "type", "completion").register(registry),
                tokenUsage(k, "input"), tokenUsage(k, "output"),
                Counter.builder(COST).baseUnit("usd").description("Cost of requests (prices from the catalog or config)")
                        .tags("team", k.team(), "model", k.model(), "provider", k.provider()).register(registry),
                Counter.builder(SAVINGS).baseUnit("usd").description("Cost on the team's reference model minus the actual cost")
                        .tags("team", k.team(), "model", k.model(), "provider", k.provider()).register(registry));
    }

    /** OpenTelemetry GenAI semantic conventions: tokens per request by type, with the standard attributes. */
    private DistributionSummary tokenUsage(Key k, String type) {
        // no base unit: Prometheus names append it, and the conventions' "{token}" would come out as "__token_"
        return DistributionSummary.builder(TOKEN_USAGE).description("Tokens used per request").serviceLevelObjectives(TOKEN_BUCKETS)
                .tags("gen_ai.operation.name", operation(k.endpoint()), "gen_ai.provider.name", k.provider(),
                        "gen_ai.request.model", k.model(), "gen_ai.token.type", type, "team", k.team())
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) d[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        return d;
    }

    /** The GenAI operation name of an endpoint. */
    private static String operation(String endpoint) {
        return switch (endpoint) {
            case "chat", "messages" -> "chat";
            case "text_completion" -> "text_completion";
            case "embeddings" -> "embeddings";
            default -> endpoint;
        };
    }
}
