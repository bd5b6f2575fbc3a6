package dev.frugal.ledger;

import java.time.Instant;

/** Ledger rows for tests: sensible defaults, changed one field at a time. */
final class Rows {
    private String requestId = "req_" + Long.toHexString(System.nanoTime());
    private Instant ts = Instant.parse("2026-11-28T10:15:00Z");
    private String team = "alpha";
    private String keyId = "key1";
    private String requestedModel = "gpt-test";
    private String provider = "openai";
    private String upstreamModel = "gpt-test";
    private int status = 200;
    private long prompt = 100;
    private long completion = 20;
    private long cached;
    private long reasoning;
    private long cost = 1_000;
    private long referenceCost = 3_000;
    private boolean unpriced;
    private boolean estimated;
    private boolean cacheHit;
    private long cacheSaved;
    private long latency = 120;
    private String route;
    private String shadowModel;
    private long shadowCost = -1;

    static Rows row() { return new Rows(); }

    Rows id(String v) { requestId = v; return this; }
    Rows ts(String v) { ts = Instant.parse(v); return this; }
    Rows ts(Instant v) { ts = v; return this; }
    Rows team(String v) { team = v; return this; }
    Rows key(String v) { keyId = v; return this; }
    Rows model(String v) { requestedModel = v; upstreamModel = v; return this; }
    Rows upstream(String v) { upstreamModel = v; return this; }
    Rows provider(String v) { provider = v; return this; }
    Rows status(int v) { status = v; return this; }
    Rows tokens(long p, long c, long cachedTokens, long reasoningTokens) {
        prompt = p; completion = c; cached = cachedTokens; reasoning = reasoningTokens; return this;
    }
    Rows cost(long v, long reference) { cost = v; referenceCost = reference; return this; }
    Rows unpriced() { unpriced = true; cost = 0; return this; }
    Rows estimated() { estimated = true; return this; }
    Rows cacheHit() { cacheHit = true; return this; }
    /** A cache hit that saved {@code micros} (the original's cost minus what the hit was billed). */
    Rows cacheHit(long micros) { cacheHit = true; cacheSaved = micros; return this; }
    Rows latency(long v) { latency = v; return this; }
    /** A request to {@code route}, whose shadow policy chose {@code model} at {@code micros} (-1: unpriced). */
    Rows shadow(String routeName, String model, long micros) { route = routeName; shadowModel = model; shadowCost = micros; return this; }

    LedgerRow build() {
        return new LedgerRow(requestId, ts, team, keyId, "chat", requestedModel, route, provider,
                provider.isEmpty() ? "" : provider + "/" + upstreamModel, upstreamModel, status,
                status >= 400 ? "some_error" : null, prompt, completion, cached, reasoning, cost, referenceCost,
                unpriced ? null : "2026-11", unpriced, estimated, latency, -1, false, cacheHit, false, 1,
                provider.isEmpty() ? null : provider + "/" + upstreamModel + "=ok", null, null, Double.NaN, cacheSaved,
                0, 0, shadowModel, shadowCost, null);
    }
}
