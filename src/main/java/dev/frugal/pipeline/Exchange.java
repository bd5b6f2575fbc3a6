package dev.frugal.pipeline;

import dev.frugal.cache.CachedAnswer;
import dev.frugal.cache.SemanticCache;
import dev.frugal.config.CachePolicy;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Money;
import dev.frugal.core.Price;
import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.resilience.AttemptOutcome;
import dev.frugal.resilience.PlanExecutor;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.CascadeCheck;
import dev.frugal.routing.Candidate;
import dev.frugal.routing.Decision;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.quotas.Ticket;
import io.vertx.core.Promise;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One client request on its way through the gateway: its id, the config snapshot it started
 * with, its caller, what the stages made of it, and its answer. The edge ends it with exactly one
 * of {@link #delivered}, {@link #failed} or {@link #clientLeft} once it wrote (or could not write)
 * the answer; the request is then settled once ({@link Settlement}), whichever comes first and
 * however often they are called. Lives on one event loop; not thread-safe.
 */
public final class Exchange {
    private static final Logger LOG = Logger.getLogger(Exchange.class);
    /** The longest requested model name a ledger row keeps: an attacker-chosen name cannot grow the table. */
    static final int MAX_MODEL_CHARS = 128;

    final String requestId;
    final String endpoint;
    final FrugalConfig config;
    final long startNanos;
    final long startMillis;
    private final TimeSource time;
    private final Settlement settlement;

    /** Who sent the request (team, key id, the key's own limits and budgets); null until authenticated. */
    Caller caller;
    /** {@code caller.team()}: what routing and the model list read. */
    TeamConfig team;
    /** The request as routing and caching read it; null for requests that are not for a model. */
    RequestView view;
    String model = "unknown";
    /** The route the request went to — named by the client or chosen by a rule (then {@code model} is the route's name too) — or null. */
    String route;
    /** The request's {@code x-frugal-route} header (what a rule may match), or null. */
    String routeHeader;
    /** The request's trace id: its server span's when traced, else the one of the client's {@code traceparent}; or null. */
    String traceId;
    /** The request's spans, when traced ({@link Traces}); null otherwise. */
    Traces.RequestTrace trace;
    /** The routing decision behind the plan (the ledger keeps its compact form); null until planned. */
    Decision decision;
    /** How the decision's qualities were predicted (explain shows it); null when nothing was predicted. Set before the scores complete. */
    volatile QualityScorer.Basis qualityBasis;
    String provider = "none";
    int attempts;
    long firstChunkNanos;
    /** When the answer (or the error, or a stream's last event) began to be written; 0 until then. */
    long endNanos;
    /** Frees the deployment slot and the gateway's in-flight slot; run once, when settled. */
    Runnable release;
    boolean settled;
    /** When a streamed response must be over ({@link TimeSource#nanoTime} scale). */
    long deadlineNanos = Long.MAX_VALUE;
    /** Completed when the client's connection closes before the answer is over. */
    final Promise<Void> clientGone = Promise.promise();

    // ---- metering ----
    /** An authenticated request to a model endpoint (chat, completions, embeddings, messages): it gets a ledger row, refused or not. */
    boolean metered;
    /** The model (or route) name the client sent, bounded ({@link #MAX_MODEL_CHARS}); null until the body was read. */
    String requestedModel;
    boolean streamed;
    /** The admission of this request's rate limits and budget reservation; settled or released when the request is. */
    Ticket ticket;
    /** The attempt that answered, and its price (null: unpriced). */
    Attempt served;
    Price price;
    /** The last deployment tried or passed over, and the trace of all of them ({@code provider/model=outcome;…}). */
    Attempt lastTried;
    StringBuilder attemptLog;
    /** What the pipeline answered, once it did. */
    Answer answer;

    // ---- a cascade route (docs/routing.md#cascades) ----
    /** The request cascades: its route has {@code cascade}, and it is not a stream the route does not buffer. */
    boolean cascading;
    /** The answers escalated, in order (null: none): billed with the one served. */
    List<Step> escalated;
    /** What the route's shadow policy would have chosen (recorded, never called), or null. */
    Candidate shadow;

    /**
     * One answer of a cascade escalated to the next model.
     *
     * @param answer     what the attempt gave (to tell it from the answer served, when nothing later answered)
     * @param costMicros its cost, 0 when its deployment has no price
     */
    record Step(Attempt attempt, Object answer, Usage usage, long costMicros, CascadeCheck.Reason reason) {}

    // ---- the response cache (CacheStage) ----
    /** The request's {@code Cache-Control}: skip the lookup ({@code no-cache}), or the lookup and the store ({@code no-store}). */
    boolean noCache;
    boolean noStore;
    /** The cache policy of the request's team and model or route; null when the cache does not apply to it. */
    CachePolicy cachePolicy;
    /** The answer is to be stored once settled, under {@link #cacheKey} (null: not computed yet). */
    boolean cacheStore;
    String cacheKey;
    /** {@code x-frugal-cache}: hit, semantic-hit, miss or bypass; null when the cache does not apply. */
    String cacheStatus;
    /** The request's semantic lookup, to learn from its answer once stored; null when the semantic cache does not apply or it was a hit. */
    SemanticCache.Probe semantic;
    /** The stored answer that served the request, and the tier it came from; null unless a hit. */
    CachedAnswer hit;
    String hitTier;

    Exchange(String requestId, String endpoint, FrugalConfig config, TimeSource time, Settlement settlement) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.config = config;
        this.time = time;
        this.settlement = settlement;
        this.startNanos = time.nanoTime();
        this.startMillis = time.millis();
    }

    // ---- the edge's side ------------------------------------------------------------------

    public String requestId() { return requestId; }

    /** The caller's team; null until authenticated. */
    public TeamConfig team() { return team; }

    /** Max request body size in force for this request. */
    public long maxBodyBytes() { return config.server().maxBodyBytes(); }

    /** The model the request's body names, as sent (null or not text: none); read before validation, so a refused request's row names it too. */
    public void requestedModel(String model) {
        requestedModel = bounded(model);
    }

    /**
     * A requested model name as the ledger keeps it: at most {@link #MAX_MODEL_CHARS} characters
     * (cut with {@code …}), control characters replaced by {@code ?}; "" for none.
     */
    static String bounded(String model) {
        if (model == null) return "";
        boolean cut = model.length() > MAX_MODEL_CHARS;
        String s = cut ? model.substring(0, MAX_MODEL_CHARS - 1) : model;
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pairStart = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean pairEnd = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !pairStart && !pairEnd) {
                if (sb == null) sb = new StringBuilder(s);
                sb.setCharAt(i, '?');
            }
        }
        String out = sb == null ? s : sb.toString();
        return cut ? out + "\u2026" : out;
    }

    /**
     * The W3C trace context the client sent ({@code traceparent: 00-<trace id>-<parent id>-<flags>}): its
     * trace id joins the access log to the client's trace. Anything not of that exact shape is ignored.
     * When the request is traced, its own span's trace id stands (the client's, when it continued its trace).
     */
    public void traceparent(String value) {
        if (trace == null) traceId = traceId(value);
    }

    /** The trace id of a well-formed {@code traceparent} (32 lowercase hex digits, not all zero), else null. */
    static String traceId(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-' || traceparent.startsWith("ff")) return null;
        if (traceparent.length() > 55 && (traceparent.startsWith("00") || traceparent.charAt(55) != '-')) return null;
        boolean nonZero = false;
        for (int i = 0; i < 55; i++) {
            if (i == 2 || i == 35 || i == 52) continue;
            char c = traceparent.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return null;
            if (i >= 3 && i < 35 && c != '0') nonZero = true;
        }
        return nonZero ? traceparent.substring(3, 35) : null;
    }

    /** The request's {@code x-frugal-route} header, which rules may match; kept to {@link #MAX_MODEL_CHARS} characters. */
    public void routeHeader(String value) {
        routeHeader = value == null ? null : bounded(value);
    }

    /**
     * The request's {@code Cache-Control} header values: {@code no-cache} skips the cache lookup (the
     * answer is still stored), {@code no-store} skips both. Other directives are ignored.
     */
    public void cacheControl(List<String> values) {
        for (String v : values) {
            for (String directive : v.split(",")) {
                String d = directive.strip().toLowerCase(Locale.ROOT);
                if (d.equals("no-cache")) noCache = true;
                else if (d.equals("no-store")) noStore = true;
            }
        }
    }

    /**
     * The headers of an answered request: the attempts made, the cache's verdict ({@code x-frugal-cache}),
     * its rate-limit state ({@code x-ratelimit-*}), and where it went: {@code x-frugal-route} (when a route
     * chose the model), {@code x-frugal-model} (the configured model that answered) and {@code x-frugal-cost-usd}
     * (its cost; for a stream, whose headers leave before any token, the estimate routing used, flagged by
     * {@code x-frugal-cost-estimated: true}; absent when the deployment has no price).
     */
    public void outcomeHeaders(BiConsumer<String, String> put) {
        put.accept("x-frugal-attempts", Integer.toString(attempts));
        if (cascading && served != null) put.accept("x-frugal-cascade", Integer.toString(cascadeSteps()));
        if (cacheStatus != null) put.accept("x-frugal-cache", cacheStatus);
        if (ticket != null) ticket.headers().forEach(put);
        if (route != null) put.accept("x-frugal-route", route);
        if (served == null) return;
        put.accept("x-frugal-model", served.model());
        if (price == null) return;
        boolean streamed = answer instanceof AnswerStream;
        Usage used = streamed ? Planning.estimate(view) : usage();
        put.accept("x-frugal-cost-usd", Money.usdShort(price.costMicros(used) + escalatedMicros()).toPlainString());
        if (streamed) put.accept("x-frugal-cost-estimated", "true");
    }

    /**
     * The answer (or a listing, a report) was written with {@code status}: 200, or 499 when the
     * client had left — a whole answer is billed all the same, since the upstream did the work.
     */
    public void delivered(int status) {
        settlement.settle(this, status, null, usage());
    }

    /**
     * The request failed: returns the error the client is to be told (the pipeline's own failures
     * already are such errors) and settles the request with it. A stream that failed midway is
     * billed for what it relayed; any other failure for nothing.
     */
    public GatewayError failed(Throwable t) {
        GatewayError e = clientError(t);
        answered();
        settlement.settle(this, e.status(), e.code(), answer instanceof AnswerStream s ? s.usage() : Usage.NONE);
        return e;
    }

    /**
     * The client closed its connection. A wait for an upstream slot is given up and no further
     * attempt starts; a stream is stopped and settled as 499 {@code client_closed_request}, billed
     * for what it relayed. A whole answer still on its way is settled when it comes.
     */
    public void clientLeft() {
        clientGone.tryComplete();
        if (answer instanceof AnswerStream s && !settled) {
            s.cancel();
            settlement.settle(this, 499, null, s.usage());
        }
    }

    // ---- the pipeline's side ---------------------------------------------------------------

    /** The answer begins to be written now: the request's time ends before the write, so the ledger's latency is never longer than what the client measured. */
    void answered() {
        if (endNanos == 0) endNanos = time.nanoTime();
    }

    /** The first chunk of a stream reaches the client. */
    void firstChunk() {
        firstChunkNanos = time.nanoTime();
        settlement.firstChunk(this);
    }

    /** Milliseconds left before the total deadline (at least 1). */
    long millisLeft() {
        return Math.max(1, (deadlineNanos - time.nanoTime()) / 1_000_000);
    }

    /** Told of each deployment the plan tried or passed over; an escalated answer's entry says why and what it used. */
    void attempted(Attempt a, AttemptOutcome outcome) {
        lastTried = a;
        if (attemptLog == null) attemptLog = new StringBuilder(64);
        else attemptLog.append(';');
        attemptLog.append(a.provider().name()).append('/').append(a.deployment().upstreamModel()).append('=').append(outcome.tag());
        if (outcome == AttemptOutcome.ESCALATED && escalated != null) {
            Step step = escalated.get(escalated.size() - 1);
            attemptLog.append('(').append(step.reason().tag()).append(", ").append(step.usage().promptTokens()).append('+')
                    .append(step.usage().completionTokens()).append(" tokens, ").append(step.costMicros()).append(" micro-usd)");
        }
    }

    /** Takes note of an answer escalated: it is billed with the one served. */
    void escalate(Step step) {
        if (escalated == null) escalated = new ArrayList<>(2);
        escalated.add(step);
    }

    /**
     * When the answer served is one a cascade set aside (no later model answered), it is served, not escalated;
     * it failed the route's check, so it is never stored in the cache.
     */
    void servedSetAside(Object answer) {
        if (escalated != null && !escalated.isEmpty() && escalated.get(escalated.size() - 1).answer() == answer) {
            escalated.remove(escalated.size() - 1);
            cacheStore = false;
        }
    }

    /** The answers of a cascade: the escalated ones and the one served. */
    int cascadeSteps() {
        return (escalated == null ? 0 : escalated.size()) + 1;
    }

    /** What the escalated answers cost, in micro-USD. */
    long escalatedMicros() {
        long sum = 0;
        if (escalated != null) for (Step s : escalated) sum += s.costMicros();
        return sum;
    }

    /** The tokens of the escalated answers. */
    Usage escalatedUsage() {
        Usage sum = Usage.NONE;
        if (escalated != null) for (Step s : escalated) sum = sum.plus(s.usage());
        return sum;
    }

    private Usage usage() {
        if (answer instanceof Answer.Whole w) return w.usage();
        if (answer instanceof Answer.Vectors v) return v.usage();
        if (answer instanceof AnswerStream s) return s.usage();
        return Usage.NONE;
    }

    /** What the client is told of a failure; a failure of every attempt carries the attempt count and rate-limit headers. */
    private GatewayError clientError(Throwable t) {
        if (t instanceof GatewayError g) return g;
        if (t instanceof PlanExecutor.AttemptsFailed f) {
            Map<String, String> headers = new LinkedHashMap<>();
            outcomeHeaders(headers::put);
            headers.putAll(f.error().headers()); // the error's own headers win
            return f.error().withHeaders(headers);
        }
        if (t instanceof UpstreamFailure u) return u.toClientError();
        LOG.errorf(t, "Request %s failed inside the gateway", requestId);
        return GatewayError.internal("The gateway failed to process the request (request id " + requestId + ").");
    }
}
