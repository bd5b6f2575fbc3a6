package dev.frugal.pipeline;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.Price;
import dev.frugal.resilience.AttemptOutcome;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Decision;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.Ticket;
import io.vertx.core.Promise;

/**
 * One client request on its way through the gateway: its id, the config snapshot it started
 * with, its team, and what it became. Lives on one event loop; not thread-safe.
 */
public final class Exchange {
    final String requestId;
    final String endpoint;
    final long startNanos;
    final long startMillis;
    final FrugalConfig config;
    /** Who sent the request (team, key id, the key's own limits and budgets); null until authenticated. */
    Caller caller;
    /** {@code caller.team()}: what routing and the model list read. */
    TeamConfig team;
    String model = "unknown";
    /** The route the client named (then {@code model} is the route's name too), or null. */
    String route;
    /** The routing decision behind the plan (the ledger keeps its compact form); null until planned. */
    Decision decision;
    String provider = "none";
    int attempts;
    long firstChunkNanos;
    /** When the answer (or the error, or a stream's last event) began to be written; 0 until then. */
    long endNanos;
    /** Frees the deployment slot and the gateway's in-flight slot; run once, by finish. */
    Runnable release;
    boolean finished;
    /** When a streamed response must be over (System.nanoTime scale). */
    long deadlineNanos = Long.MAX_VALUE;
    /** Completed when the client's connection closes before the answer is over. */
    final Promise<Void> clientGone = Promise.promise();

    // ---- metering ----
    /** A request for a model (chat, completions, embeddings, messages): it gets a ledger row. */
    boolean metered;
    boolean streamed;
    /** The stream's relayed chunks, to bill a stream that ends without usage; null when not streamed. */
    RelayedText relayed;
    /** The admission of this request's rate limits and budget reservation; settled or released by finish. */
    Ticket ticket;
    /** Prompt tokens estimated before dispatch (used when the upstream reports none). */
    long promptEstimate;
    /** The attempt that answered, and its price (null: unpriced). */
    Attempt served;
    Price price;
    /** The last deployment tried or passed over, and the trace of all of them ({@code provider/model=outcome;…}). */
    Attempt lastTried;
    StringBuilder attemptLog;

    Exchange(String requestId, String endpoint, long startNanos, long startMillis, FrugalConfig config) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
        this.config = config;
    }

    /** Told of each deployment the plan tried or passed over. */
    void attempted(Attempt a, AttemptOutcome outcome) {
        lastTried = a;
        if (attemptLog == null) attemptLog = new StringBuilder(64);
        else attemptLog.append(';');
        attemptLog.append(a.provider().name()).append('/').append(a.deployment().upstreamModel()).append('=').append(outcome.tag());
    }

    /** Headers every answer to this request carries once it was admitted: {@code x-ratelimit-*}. */
    public java.util.Map<String, String> responseHeaders() {
        return ticket == null ? java.util.Map.of() : ticket.headers();
    }

    public String requestId() { return requestId; }

    public FrugalConfig config() { return config; }

    public TeamConfig team() { return team; }

    public Caller caller() { return caller; }

    public int attempts() { return attempts; }

    /** The client closed its connection: a wait for an upstream slot is given up, no further attempt starts. */
    public void clientLeft() { clientGone.tryComplete(); }

    /** Max request body size in force for this request. */
    public long maxBodyBytes() { return config.server().maxBodyBytes(); }
}
