package dev.frugal.telemetry;

import io.opentelemetry.api.common.AttributeKey;

import java.util.List;

/**
 * Every span, attribute and event name the gateway's traces use, in one place: the GenAI conventions
 * are still in development upstream (shared/spec/otel-genai.md), so a rename is one line here.
 */
public final class TraceNames {
    private TraceNames() {}

    /** The instrumentation scope of the gateway's own spans. */
    public static final String SCOPE = "dev.frugal.gateway";

    // ---- OpenTelemetry GenAI conventions (status Development) ----
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Boolean> REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    public static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<Double> TIME_TO_FIRST_CHUNK = AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    public static final AttributeKey<Long> REASONING_TOKENS = AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
    /** Opt-in content (per team, decision 0022): JSON strings. */
    public static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    public static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");

    // ---- general conventions ----
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    // ---- Frugal's own ----
    public static final AttributeKey<String> TEAM = AttributeKey.stringKey("frugal.team");
    public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("frugal.route");
    public static final AttributeKey<String> CACHE = AttributeKey.stringKey("frugal.cache");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("frugal.attempt");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("frugal.attempts");
    public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("frugal.cost_usd");
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("frugal.request_id");
    public static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("frugal.deployment");
    public static final AttributeKey<String> SERVED_MODEL = AttributeKey.stringKey("frugal.model");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("frugal.outcome");
    public static final AttributeKey<String> PREVIOUS_DEPLOYMENT = AttributeKey.stringKey("frugal.previous.deployment");
    public static final AttributeKey<String> PREVIOUS_OUTCOME = AttributeKey.stringKey("frugal.previous.outcome");

    // ---- events ----
    /** On an attempt span: its first chunk arrived (streams). */
    public static final String FIRST_TOKEN = "frugal.first_token";
    /** On the server span: an attempt starts on the deployment the last one failed on. */
    public static final String RETRY = "frugal.retry";
    /** On the server span: an attempt starts on another deployment than the last one tried or passed over. */
    public static final String FALLBACK = "frugal.fallback";

    /** {@code gen_ai.provider.name} for a provider kind: the conventions' well-known value where there is one. */
    public static String providerName(String kind) {
        return switch (kind) {
            case "gemini" -> "gcp.gemini";
            case "azure" -> "azure.ai.openai";
            default -> kind; // openai, anthropic; ollama, local, simulator have no listed value
        };
    }
}
