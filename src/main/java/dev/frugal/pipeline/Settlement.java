package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.catalog.TokenCounter;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.core.TimeSource;
import dev.frugal.core.Usage;
import dev.frugal.ledger.Ledger;
import dev.frugal.ledger.LedgerRow;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Candidate;
import dev.frugal.telemetry.GatewayMetrics;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * The after-steps of every request, run exactly once however it ended (served, refused, failed,
 * abandoned by its client): free its slots, settle its cost against the budgets (or release the
 * reservation), write its ledger row and metrics, then the hooks — store the answer in the cache,
 * close the span. A cascade's escalated answers are billed with the one served (their tokens and cost
 * added); a route's shadow policy is recorded in the row, its choice priced with the answer's usage. A stream that relayed chunks but ended without usage
 * is billed from its {@link StreamFold}, counted off the event loop when long, and flagged estimated;
 * one whose client left before the first chunk, after a deployment answered, is billed the
 * estimated prompt (flagged estimated too). A cache hit that reached its client is billed its
 * policy's fraction of the stored answer's cost, charges no token limit, and records what it saved;
 * one that did not is billed nothing.
 */
@Singleton
class Settlement {
    private static final Logger LOG = Logger.getLogger(Settlement.class);
    /** Relayed text up to this size is counted on the event loop (same task as the response, so the row is
     *  recorded before a shutdown's final ledger flush); longer streams are counted on a worker. */
    private static final int COUNT_ON_LOOP_CHARS = 16 * 1024;

    @Inject GatewayMetrics metrics;
    @Inject Ledger ledger;
    @Inject Pricing pricing;
    @Inject TokenCounter tokens;
    @Inject Vertx vertx;
    @Inject TimeSource time;
    @Inject AnswerCache cache;
    @Inject AccessLog accessLog;
    @Inject Traces traces;

    /**
     * How a request ended, as settled: what the after-steps read.
     *
     * @param usage            what the answer served used (a cascade's escalated answers are not in it)
     * @param costMicros       what the request was billed (for a cache hit, its fraction of the original's cost; for a
     *                         cascade, every answer it paid for)
     * @param cacheSavedMicros for a cache hit, the original's cost minus what the hit was billed; else 0
     * @param took             from the request's start to when its answer (or error) began to be written, or to its settling
     */
    record Settled(int status, String errorCode, Usage usage, boolean estimated, long costMicros, long cacheSavedMicros,
                   Duration took) {}

    /** One of the steps after the ledger row. Must not throw; runs on the event loop (or the worker that counted a long stream). */
    @FunctionalInterface
    interface AfterStep {
        AfterStep NONE = (ex, settled) -> { };

        void after(Exchange ex, Settled settled);
    }

    /** The first chunk of a stream reached the client (a replayed one is not the model's time to first token). */
    void firstChunk(Exchange ex) {
        if (ex.hit == null) metrics.timeToFirstToken(ex.model, Duration.ofNanos(ex.firstChunkNanos - ex.startNanos));
    }

    /**
     * Settles {@code ex} once; later calls do nothing.
     *
     * @param errorCode the error code the client got, or null ({@code client_closed_request} for a 499 without one)
     */
    void settle(Exchange ex, int status, String errorCode, Usage reported) {
        if (ex.settled) return;
        ex.settled = true;
        long endNanos = ex.endNanos != 0 ? ex.endNanos : time.nanoTime();
        // the client left: mid-stream or waiting for the first chunk as well as while queued, one code for all
        String code = status == 499 && errorCode == null ? GatewayError.CLIENT_CLOSED : errorCode;
        if (ex.release != null) ex.release.run();
        Usage usage = reported == null ? Usage.NONE : reported;
        StreamFold fold = ex.answer instanceof AnswerStream s ? s.fold() : null;
        if (status == 499 && usage.totalTokens() == 0 && (fold == null || fold.isEmpty()) && ex.served != null) {
            // the client left before its first token, but a deployment had answered: it read the prompt
            record(ex, status, new Usage(ex.view == null ? 0 : ex.view.promptTokens(), 0, 0, 0), true, code, endNanos);
            return;
        }
        if (fold == null || fold.isEmpty() || usage.completionTokens() > 0) {
            record(ex, status, usage, false, code, endNanos);
            return;
        }
        String upstreamModel = ex.served == null ? null : ex.served.deployment().upstreamModel();
        long prompt = usage.promptTokens() > 0 ? usage.promptTokens() : ex.view == null ? 0 : ex.view.promptTokens();
        Callable<Usage> counted = () -> {
            long completion = tokens.count(upstreamModel, fold.text()).tokens()
                    + fold.droppedChars() / 4; // text past the fold's bound: about 4 characters per token
            return new Usage(prompt, completion, usage.cachedTokens(), usage.reasoningTokens());
        };
        if (fold.keptChars() <= COUNT_ON_LOOP_CHARS) { // a short answer counts in well under a millisecond
            Usage u;
            try {
                u = counted.call();
            } catch (Exception e) {
                u = new Usage(prompt, 0, 0, 0);
            }
            record(ex, status, u, true, code, endNanos);
            return;
        }
        vertx.executeBlocking(counted, false).onComplete(ar -> record(ex, status,
                ar.succeeded() ? ar.result() : new Usage(prompt, 0, 0, 0), true, code, endNanos));
    }

    private void record(Exchange ex, int status, Usage usage, boolean estimated, String errorCode, long endNanos) {
        long saved = 0;
        long cost;
        if (ex.hit != null) { // a cache hit: billed its policy's fraction of the original's cost, and only when delivered
            if (status == 200) {
                cost = ex.cachePolicy.billedMicros(ex.hit.costMicros());
                saved = ex.hit.costMicros() - cost;
            } else {
                usage = Usage.NONE;
                cost = 0;
            }
        } else {
            cost = ex.price == null ? 0 : ex.price.costMicros(usage);
        }
        long escalatedMicros = ex.escalatedMicros();
        cost += escalatedMicros;
        Usage billed = ex.escalated == null ? usage : usage.plus(ex.escalatedUsage()); // every answer paid for
        boolean used = usage.totalTokens() > 0;
        Price price = ex.price;
        boolean unpriced = used && ex.served != null && price == null;
        if (unpriced) pricing.unpriced(ex.config, ex.served.model());
        long referenceCost = cost;
        if (used && ex.team != null && ex.team.referenceModel() != null) {
            Price reference = pricing.referencePrice(ex.config, ex.team.referenceModel());
            if (reference != null) referenceCost = reference.costMicros(usage);
        }
        if (ex.ticket != null) {
            long tokens = ex.hit != null ? 0 : billed.totalTokens(); // a hit used no upstream tokens
            if (tokens > 0 || cost > 0) ex.ticket.settle(tokens, cost);
            else ex.ticket.release();
        }
        String team = ex.team == null ? "unauthenticated" : ex.team.name();
        String model = ex.config.models().containsKey(ex.model) || ex.route != null ? ex.model : "unknown";
        Duration took = Duration.ofNanos(endNanos - ex.startNanos);
        metrics.request(ex.endpoint, team, model, ex.provider, status, took, billed, cost, referenceCost - cost);
        if (ex.hit == null && status == 200 && ex.firstChunkNanos != 0 && usage.completionTokens() > 1) {
            metrics.timePerOutputToken(model, (endNanos - ex.firstChunkNanos) / (usage.completionTokens() - 1));
        }
        if (ex.metered && ex.team != null) {
            ledger.record(row(ex, status, errorCode, billed, estimated, cost, referenceCost, unpriced, took, saved,
                    escalatedMicros, shadowMicros(ex, usage)));
        }
        Settled settled = new Settled(status, errorCode, usage, estimated, cost, saved, took);
        after(cache::store, ex, settled);
        after(traces, ex, settled);
        after(accessLog, ex, settled);
    }

    /** The answer's usage priced on the deployment the route's shadow policy chose; -1 without a shadow or a price. */
    private long shadowMicros(Exchange ex, Usage usage) {
        if (ex.shadow == null || ex.hit != null) return -1;
        Price p = pricing.price(ex.config, ex.config.model(ex.shadow.model()), ex.shadow.attempt().deployment());
        return p == null ? -1 : p.costMicros(usage);
    }

    /**
     * One ledger row per request for a model; listings and unauthenticated calls have none. A cache
     * hit's row has provider and deployment {@code cache}, the upstream model that produced the
     * answer, and in place of a routing decision the model and tier it came from.
     */
    private static LedgerRow row(Exchange ex, int status, String errorCode, Usage usage, boolean estimated, long cost,
                                 long referenceCost, boolean unpriced, Duration took, long cacheSaved,
                                 long escalatedMicros, long shadowMicros) {
        Attempt last = ex.served != null ? ex.served : ex.lastTried;
        String provider = last == null ? "" : last.provider().name();
        String upstream = last == null || last.deployment().upstreamModel() == null ? "" : last.deployment().upstreamModel();
        String deployment = last == null ? "" : provider + "/" + upstream;
        String decision = ex.decision == null ? null : ex.decision.compact();
        if (ex.hit != null) {
            provider = ex.provider;
            deployment = ex.provider;
            upstream = ex.hit.upstreamModel();
            decision = "cache hit (" + ex.hitTier + "): " + ex.hit.model() + " [" + ex.hit.provider() + "/" + upstream + "]";
        }
        Price price = ex.price;
        Candidate routed = routed(ex);
        return new LedgerRow(ex.requestId, Instant.ofEpochMilli(ex.startMillis), ex.team.name(),
                ex.caller == null ? null : ex.caller.keyId(), ex.endpoint, requestedModel(ex), ex.route, provider,
                deployment, upstream, status, errorCode,
                usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(), usage.reasoningTokens(),
                cost, referenceCost, price == null ? null : price.version(), unpriced, estimated, took.toMillis(),
                ex.firstChunkNanos == 0 ? -1 : (ex.firstChunkNanos - ex.startNanos) / 1_000_000, ex.streamed, ex.hit != null,
                status == 499, ex.attempts, ex.attemptLog == null ? null : ex.attemptLog.toString(),
                decision, routed == null ? null : routed.model(),
                routed == null ? Double.NaN : routed.quality(), cacheSaved,
                ex.cascading && ex.served != null ? ex.cascadeSteps() : 0, escalatedMicros,
                ex.shadow == null || ex.hit != null ? null : ex.shadow.model(), shadowMicros, ex.traceId);
    }

    /** The decision's candidate that answered, else its first choice; null without a decision or when nothing was kept. */
    private static Candidate routed(Exchange ex) {
        if (ex.decision == null) return null;
        Candidate c = ex.served == null ? null : ex.decision.keptOf(ex.served.model());
        return c != null ? c : ex.decision.chosen();
    }

    /** The model as the client sent it (bounded), else as planned; "" when the body could not be read. */
    private static String requestedModel(Exchange ex) {
        if (ex.requestedModel != null && !ex.requestedModel.isEmpty()) return ex.requestedModel;
        return ex.view != null ? Exchange.bounded(ex.view.model()) : ex.requestedModel == null ? "" : ex.requestedModel;
    }

    /** A hook that throws must not keep the others from running. */
    private static void after(AfterStep step, Exchange ex, Settled settled) {
        try {
            step.after(ex, settled);
        } catch (RuntimeException e) {
            LOG.errorf(e, "An after-step of request %s failed", ex.requestId);
        }
    }
}
