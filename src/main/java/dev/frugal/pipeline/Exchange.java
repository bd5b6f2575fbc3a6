package dev.frugal.pipeline;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.tenancy.Caller;
import io.vertx.core.Promise;

/**
 * One client request on its way through the gateway: its id, the config snapshot it started
 * with, its team, and what it became. Lives on one event loop; not thread-safe.
 */
public final class Exchange {
    final String requestId;
    final String endpoint;
    final long startNanos;
    final FrugalConfig config;
    /** Who sent the request (team, key id, the key's own limits and budgets); null until authenticated. */
    Caller caller;
    /** {@code caller.team()}: what routing and the model list read. */
    TeamConfig team;
    String model = "unknown";
    String provider = "none";
    int attempts;
    long firstChunkNanos;
    /** Frees the deployment slot and the gateway's in-flight slot; run once, by finish. */
    Runnable release;
    boolean finished;
    /** When a streamed response must be over (System.nanoTime scale). */
    long deadlineNanos = Long.MAX_VALUE;
    /** Completed when the client's connection closes before the answer is over. */
    final Promise<Void> clientGone = Promise.promise();

    Exchange(String requestId, String endpoint, long startNanos, FrugalConfig config) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.startNanos = startNanos;
        this.config = config;
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
