package dev.frugal.config;

import java.time.Duration;
import java.util.Map;

/**
 * Every default of {@code frugal.yaml}: what a field is when the file leaves it out. Defined here
 * once; the section compilers and the {@code DEFAULT} values of the settings records read them, and
 * docs/configuration.md states the same values.
 */
public final class Defaults {
    private Defaults() {}

    // ---- server ---------------------------------------------------------------------------

    /** {@code server.max-body-size}: 4 MiB. */
    public static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
    /** {@code server.max-in-flight}. */
    public static final int MAX_IN_FLIGHT = 4096;
    /** {@code server.head-timeout}: a whole request head (request line and headers). */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    /** {@code server.body-timeout}: a whole request body; at 4 MiB, about 140 KB/s. */
    public static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);
    /** {@code server.idle-timeout}: a kept-alive connection waiting for its next request. */
    public static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** {@code server.max-connections-per-address}. */
    public static final int MAX_CONNECTIONS_PER_ADDRESS = 1024;

    // ---- resilience (top level, under providers, models and routes) ------------------------

    public static final int RETRIES = 1;
    public static final Duration BACKOFF = Duration.ofMillis(200);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(5);
    /** Retries as a fraction of requests. */
    public static final double RETRY_BUDGET = 0.2;
    public static final int BREAKER_FAILURES = 5;
    public static final Duration BREAKER_COOLDOWN = Duration.ofSeconds(30);
    public static final double BREAKER_FAILURE_RATIO = 0.5;
    public static final int BREAKER_WINDOW = 20;
    /** 0 = unbounded. */
    public static final int MAX_CONCURRENT = 0;
    /** 0 = nobody waits for a slot. */
    public static final int MAX_QUEUE = 0;
    public static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration TOTAL_TIMEOUT = Duration.ofMinutes(10);
    /** 0 = never probed. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    // ---- providers[] ----------------------------------------------------------------------

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);
    /** {@code dialect} of kind {@code openai}. */
    public static final String DIALECT = "openai";
    /** {@code api-version} of kind {@code anthropic} (the {@code anthropic-version} header). */
    public static final String ANTHROPIC_VERSION = "2023-06-01";
    /** {@code default-max-tokens} of kind {@code anthropic}, whose protocol requires a limit. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    /** {@code model} of kind {@code local}. */
    public static final String LOCAL_MODEL = "all-minilm-l6-v2";
    /** {@code base-url} of the hosted kinds that have a well-known one; other HTTP kinds must give theirs. */
    public static final Map<ProviderKind, String> BASE_URLS = Map.of(
            ProviderKind.ANTHROPIC, "https://api.anthropic.com",
            ProviderKind.GEMINI, "https://generativelanguage.googleapis.com",
            ProviderKind.OLLAMA, "http://127.0.0.1:11434");

    // ---- providers[].simulator ------------------------------------------------------------

    public static final Duration SIMULATOR_LATENCY = Duration.ZERO;
    public static final Duration SIMULATOR_TIME_TO_FIRST_TOKEN = Duration.ofMillis(100);
    public static final double SIMULATOR_TOKENS_PER_SECOND = 100;
    public static final int SIMULATOR_OUTPUT_TOKENS = 40;
    public static final double SIMULATOR_FAILURE_RATE = 0;
    public static final int SIMULATOR_FAILURE_STATUS = 503;
    public static final String SIMULATOR_FAILURE_MODE = "before-response";

    // ---- models[] and routes[] ------------------------------------------------------------

    /** {@code created} of models and routes in {@code /v1/models}: 2025-01-01T00:00:00Z. */
    public static final long CREATED = 1_735_689_600L;
    public static final String STRATEGY = "ordered";
    public static final int WEIGHT = 1;
    public static final String REASONING = "split";
    /** {@code owned-by} of a model served by anything but simulators alone. */
    public static final String OWNED_BY = "frugal";
    /** {@code owned-by} of a model served only by simulators. */
    public static final String OWNED_BY_SIMULATOR = "simulator";
    /** Prompt tokens per second of a {@code gpu} deployment, as a multiple of its output tokens per second. */
    public static final int GPU_INPUT_SPEEDUP = 10;
    public static final String OBJECTIVE = "ordered";
    /**
     * Output tokens a route assumes, to estimate a request's cost, when the request sets no
     * {@code max_tokens} (or {@code max_completion_tokens}).
     */
    public static final int ESTIMATED_OUTPUT_TOKENS = 1000;

    // ---- pricing --------------------------------------------------------------------------

    public static final boolean REJECT_UNPRICED = false;
    public static final Duration UNPRICED_WARNING_INTERVAL = Duration.ofMinutes(10);

    // ---- cache -----------------------------------------------------------------------------

    /** {@code cache.enabled}: the exact response cache is off until the file turns it on. */
    public static final boolean CACHE_ENABLED = false;
    public static final Duration CACHE_TTL = Duration.ofHours(1);
    public static final boolean CACHE_DETERMINISTIC_ONLY = true;
    public static final boolean CACHE_STORE_LENGTH = false;
    /** {@code cache.hit-cost}: a hit is free. */
    public static final long CACHE_HIT_COST_PPM = 0;
    /** {@code cache.semantic.*} (docs/cache.md, decision 0017): off; when on, at most 1 % of served semantic hits wrong. */
    public static final boolean SEMANTIC_ENABLED = false;
    public static final double SEMANTIC_MAX_FALSE_HIT_RATE = 0.01;
    public static final double SEMANTIC_MIN_SIMILARITY = 0.80;
    public static final double SEMANTIC_WINDOW = 0.05;
    public static final double SEMANTIC_VERIFY_RATE = 0.05;
    /** An entry serves only at or above a similarity at which a verification found its answer right (decision 0027). */
    public static final boolean SEMANTIC_PER_ENTRY_PROOF = true;
    public static final Duration SEMANTIC_WAIT = Duration.ofMillis(100);

    // ---- teams[] --------------------------------------------------------------------------

    public static final Budget.Period BUDGET_PERIOD = Budget.Period.MONTH;
    public static final String BUDGET_MODE = "hard";
}
