package dev.frugal.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One request as the ledger keeps it: who, what, where it went, what it used and cost. Never any
 * prompt or completion text. Immutable; built on the event loop and handed to {@link Ledger#record}.
 *
 * @param requestId           the gateway's request id ({@code x-request-id})
 * @param ts                  when the request arrived
 * @param team                the team that sent it
 * @param keyId               the id of the key used (never the key), or null
 * @param endpoint            {@code chat}, {@code text_completion}, {@code embeddings}, {@code messages}, …
 * @param requestedModel      the model (or route) name the client asked for
 * @param route               the route that chose the model, or null when the client named a model
 * @param provider            the provider that answered (or the last one tried or passed over); "" when none was
 * @param deployment          {@code provider/upstreamModel}; "" when none was tried or passed over
 * @param upstreamModel       the model name sent upstream; "" when none was tried or passed over
 * @param status              the HTTP status the client got (499 when the client left first); for a stream that
 *                            failed after its first chunk, the status of the in-band error (the status line said 200)
 * @param errorCode           the OpenAI-shaped error code the client got (the in-band error's for such a stream;
 *                            {@code client_closed_request} for a 499), or null
 * @param promptTokens        input tokens, cached ones included (OpenAI accounting)
 * @param cachedTokens        the part of {@code promptTokens} read from the provider's prompt cache
 * @param costMicros          the request's cost in micro-USD
 * @param referenceCostMicros what the same tokens would have cost on the team's reference model (micro-USD);
 *                            savings = reference − cost
 * @param priceVersion        the price table's version that priced the row, or null
 * @param unpriced            no price was known: {@code costMicros} is 0 for that reason, not because it was free
 * @param estimated           the tokens were counted or estimated by the gateway, not reported by the upstream
 * @param latencyMs           from arrival to the last byte sent
 * @param ttftMs              time to the first streamed chunk, or -1 when not streamed
 * @param attempts            deployments tried (0 when none was)
 * @param attemptLog          short trace of the attempts, e.g. {@code openai/gpt-4o=rate_limited;anthropic/claude=ok},
 *                            or null; cut to {@link #ATTEMPT_LOG_MAX} characters
 * @param routeDecision       the routing decision in one line (the strategy, the deployments in the order tried with
 *                            their scores, those left out with why; at most 512 characters), or null when no plan was
 *                            made
 * @param servedModel         the configured model that answered (or was chosen, when none answered), or null when no
 *                            plan was made
 * @param predictedQuality    the quality (0..1) routing predicted for that model, or NaN when none was predicted
 * @param cacheHit            the response cache answered: {@code costMicros} is what the hit was billed (zero or the
 *                            configured fraction of the original's cost)
 * @param cacheSavedMicros    for a cache hit, the original answer's cost minus what the hit was billed (micro-USD); else 0
 * @param cascadeSteps        on a cascade route, the answers the request paid for (the escalated ones and the one
 *                            served); 0 when the request did not cascade
 * @param cascadeCostMicros   the part of {@code costMicros} paid for escalated answers (micro-USD); their tokens are in
 *                            the token counts too
 * @param shadowModel         the model the route's shadow policy would have chosen, or null when it has none
 * @param shadowCostMicros    what the answer's usage would have cost on that model's deployment (micro-USD), or -1 when
 *                            there is no shadow or that deployment has no price
 * @param traceId             the request's W3C trace id (32 lowercase hex digits): the gateway's own trace when
 *                            tracing is on, else the one of the client's {@code traceparent}; null when there is none
 */
public record LedgerRow(String requestId, Instant ts, String team, String keyId, String endpoint, String requestedModel,
                        String route, String provider, String deployment, String upstreamModel, int status,
                        String errorCode, long promptTokens, long completionTokens, long cachedTokens,
                        long reasoningTokens, long costMicros, long referenceCostMicros, String priceVersion,
                        boolean unpriced, boolean estimated, long latencyMs, long ttftMs, boolean streamed,
                        boolean cacheHit, boolean clientDisconnected, int attempts, String attemptLog,
                        String routeDecision, String servedModel, double predictedQuality, long cacheSavedMicros,
                        int cascadeSteps, long cascadeCostMicros, String shadowModel, long shadowCostMicros, String traceId) {
    /** The longest attempt log kept (the column's width). */
    public static final int ATTEMPT_LOG_MAX = 1000;

    public LedgerRow {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(requestedModel, "requestedModel");
        provider = provider == null ? "" : provider;
        deployment = deployment == null ? "" : deployment;
        upstreamModel = upstreamModel == null ? "" : upstreamModel;
        if (ttftMs < 0) ttftMs = -1;
        if (shadowCostMicros < 0) shadowCostMicros = -1;
        if (attemptLog != null && attemptLog.length() > ATTEMPT_LOG_MAX) attemptLog = attemptLog.substring(0, ATTEMPT_LOG_MAX);
    }

    /** The model the rollups and reports group by: the one that ran (upstream), else the one asked for. */
    public String reportedModel() {
        return upstreamModel.isEmpty() ? requestedModel : upstreamModel;
    }

    /** Whether the client got an error (any status from 400 on, 499 included). */
    public boolean isError() {
        return status >= 400;
    }
}
