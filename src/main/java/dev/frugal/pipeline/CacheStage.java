package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.cache.CacheKeys;
import dev.frugal.cache.CachedAnswer;
import dev.frugal.cache.ExactCache;
import dev.frugal.cache.SemanticCache;
import dev.frugal.cache.Replay;
import dev.frugal.cache.StoreRule;
import dev.frugal.config.CachePolicy;
import dev.frugal.config.Defaults;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.telemetry.CacheMetrics;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The cache stage, with the exact cache ({@link ExactCache}): docs/cache.md.
 *
 * <p><b>Lookup</b> (before planning). The cache applies to chat and completions requests whose team
 * and model (or route) have a policy that is enabled ({@code cache} in frugal.yaml), to a model or
 * route the team may call (anything else is left to planning, which refuses it). It is bypassed
 * ({@code x-frugal-cache: bypass}) for {@code Cache-Control: no-cache} (the answer is still stored)
 * and {@code no-store} (it is not), and for a request that is not deterministic while the policy
 * wants it to be. Otherwise the key — the policy's scope (team, key, or global) and the request's
 * canonical key ({@link RequestView#cacheKey}) — is looked up: a hit answers at once, as a plain
 * body or a replayed stream ({@link Replay}, {@link ReplayStream}); a miss goes on upstream.
 *
 * <p><b>Store</b> (after settlement). Only a complete, successful answer an upstream gave, whose
 * every choice finished with {@code stop} or {@code tool_calls} ({@code length} if the policy allows),
 * within {@code frugal.cache.max-entry-size} ({@link StoreRule}); never a hit again. The entry
 * records the model that produced it (for a route, the candidate), its usage and its cost.
 * The semantic cache will sit after an exact miss here, with its own {@code x-frugal-cache} value.
 *
 * <p>Lookups run on the event loop; long answers are made into entries on a worker thread.
 */
@Singleton
class CacheStage implements AnswerCache {
    private static final Logger LOG = Logger.getLogger(CacheStage.class);
    static final String HIT = "hit";
    static final String MISS = "miss";
    static final String BYPASS = "bypass";
    static final String SEMANTIC_HIT = "semantic-hit";
    /** Longer last user turns are not looked up semantically: the embedding reads only the first ~256 tokens. */
    static final int SEMANTIC_MAX_PROMPT_CHARS = 1000;
    /** Answers with more text than this are made into entries on a worker thread. */
    private static final int BUILD_ON_LOOP_CHARS = 64 * 1024;
    private static final Future<Answer> NOTHING = Future.succeededFuture();
    /** The tier of a semantic hit (metrics, the ledger's route decision). */
    private static final String SEMANTIC = "semantic";

    @Inject ExactCache exact;
    @Inject CacheMetrics metrics;
    @Inject Vertx vertx;
    @Inject SemanticCache semantic;
    @Inject SentenceEmbedder embedder;

    @Override
    public Future<Answer> lookup(Exchange ex, RequestView view) {
        if (view.kind() == RequestView.Kind.EMBEDDINGS || ex.team == null) return NOTHING;
        String name = view.model();
        CachePolicy p = ex.config.cache().policy(ex.team.name(), name);
        if (!p.enabled() || !callable(ex, name)) return NOTHING;
        ex.cachePolicy = p;
        if (ex.noStore || p.deterministicOnly() && !view.deterministic()) return bypass(ex, name);
        ex.cacheStore = true;
        ex.semantic = semanticProbe(ex, view, p);
        if (ex.noCache) return bypass(ex, name);
        ex.cacheKey = key(ex, view, p);
        return exact.lookup(ex.cacheKey, owner(ex, p)).compose(found -> {
            if (found != null) return Future.succeededFuture(hit(ex, view, found.entry(), found.tier(), HIT));
            ex.cacheStatus = MISS;
            if (ex.semantic == null) {
                metrics.request(ex.team.name(), name, MISS, "none");
                return NOTHING;
            }
            return semanticLookup(ex, view, ex.semantic);
        });
    }

    @Override
    public void store(Exchange ex, Settlement.Settled settled) {
        if (ex.hit != null) {
            metrics.saved(ex.team.name(), ex.model, settled.cacheSavedMicros());
            return;
        }
        if (ex.cachePolicy == null || ex.view == null) return; // the cache does not apply to this request
        if (!ex.cacheStore) {
            metrics.store(BYPASS); // no-store, or not deterministic
            return;
        }
        boolean served = ex.served != null
                && (settled.status() == 200 || settled.status() == 499 && ex.answer instanceof Answer.Whole);
        if (!served) {
            metrics.store(StoreRule.Refusal.ERROR.tag());
            return;
        }
        long size = ex.answer instanceof Answer.Whole w ? w.body().length()
                : ex.answer instanceof AnswerStream s ? s.fold().keptChars() : 0;
        if (size <= BUILD_ON_LOOP_CHARS) {
            build(ex, settled);
            return;
        }
        vertx.executeBlocking(() -> {
            build(ex, settled);
            return null;
        }, false);
    }

    // ---- lookup ------------------------------------------------------------------------------

    /** A model or route of this config that the team may call: anything else is planning's to refuse. */
    private static boolean callable(Exchange ex, String name) {
        return (ex.config.model(name) != null || ex.config.route(name) != null) && ex.team.mayUse(name);
    }

    private Future<Answer> bypass(Exchange ex, String name) {
        ex.cacheStatus = BYPASS;
        metrics.request(ex.team.name(), name, BYPASS, "none");
        return NOTHING;
    }

    private Answer hit(Exchange ex, RequestView view, CachedAnswer e, String tier, String status) {
        Answer.Origin origin = new Answer.Cached(e.model(), e.provider(), e.upstreamModel(), tier);
        Answer answer;
        if (!view.stream()) {
            answer = new Answer.Whole(e.body(), e.usage(), origin);
        } else {
            JsonNode completion;
            try {
                completion = Json.parse(e.body());
            } catch (Exception bad) { // stored after it parsed: cannot happen, but never fail a request for it
                LOG.errorf("A stored answer of %s does not parse; served from upstream instead", view.model());
                ex.cacheStatus = MISS;
                return null;
            }
            answer = new AnswerStream(ex, new ReplayStream(Replay.chunks(completion, view.includeUsage()), e.usage()), origin);
            ex.deadlineNanos = ex.startNanos + Defaults.TOTAL_TIMEOUT.toNanos();
        }
        ex.cacheStatus = status;
        ex.cacheStore = false;
        ex.semantic = null;
        ex.hit = e;
        ex.hitTier = tier;
        ex.model = view.model();
        if (ex.config.route(ex.model) != null) ex.route = ex.model;
        ex.provider = "cache";
        ex.attempts = 0;
        metrics.request(ex.team.name(), view.model(), status, tier);
        return answer;
    }

    // ---- semantic ----------------------------------------------------------------------------

    /**
     * The semantic lookup of a request its policy allows it for, or null: a chat or completions request
     * for one answer ({@code n} absent or 1), whose last turn is the user's, in text (no image), of at most
     * {@link #SEMANTIC_MAX_PROMPT_CHARS}. Its partition is the scope, the name, and the canonical key of
     * the request without the last user turn: a candidate must agree on everything but the question.
     */
    private SemanticCache.Probe semanticProbe(Exchange ex, RequestView view, CachePolicy p) {
        if (!p.semantic().enabled() || view.needs(RequestView.Capability.IMAGES)) return null;
        ObjectNode rest = view.body().deepCopy();
        if (rest.path("n").asInt(1) != 1) return null;
        String prompt;
        if (view.kind() == RequestView.Kind.CHAT) {
            JsonNode messages = rest.path("messages");
            JsonNode last = messages.isArray() && messages.size() > 0 ? messages.get(messages.size() - 1) : null;
            if (last == null || !"user".equals(last.path("role").asText())) return null;
            prompt = view.prompt().lastUser();
            ((ObjectNode) last).put("content", "");
        } else if (view.kind() == RequestView.Kind.COMPLETIONS && rest.path("prompt").isTextual()) {
            prompt = rest.path("prompt").textValue();
            rest.put("prompt", "");
        } else {
            return null;
        }
        if (prompt == null || prompt.isBlank() || prompt.length() > SEMANTIC_MAX_PROMPT_CHARS) return null;
        String context = RequestView.of(view.kind(), rest, 0, RequestView.NO_LIMIT).cacheKey();
        String keyId = ex.caller == null ? null : ex.caller.keyId();
        return semantic.probe(CacheKeys.key(p.scope(), ex.team.name(), keyId, view.model(), context),
                CacheKeys.key(p.scope(), ex.team.name(), keyId, view.model(), "semantic"), prompt, p.semantic());
    }

    /** Embeds the prompt (waiting at most the policy's {@code wait}), then finds and judges its candidate. */
    private Future<Answer> semanticLookup(Exchange ex, RequestView view, SemanticCache.Probe probe) {
        String team = ex.team.name(), name = view.model();
        Promise<float[]> embedded = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, probe.policy().embedWait().toMillis()), t -> {
            if (embedded.tryFail("timeout")) metrics.semantic(team, name, "timeout");
        });
        embedder.embed(probe.prompt()).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                probe.vector(ar.result()); // kept even after the wait gave up: the answer can still be added
                embedded.tryComplete(ar.result());
            } else {
                LOG.warnf("The semantic cache could not embed a prompt (%s); the request goes on as a miss", ar.cause().toString());
                if (embedded.tryFail(ar.cause())) metrics.semantic(team, name, "timeout");
            }
        });
        return embedded.future().compose(v -> semantic.find(probe, v)).map(found -> {
            SemanticCache.Verdict verdict = found.verdict();
            metrics.semantic(team, name, verdict.tag());
            if (verdict == SemanticCache.Verdict.BLOCKED) metrics.semanticBlocked(found.blockedBy().tag());
            if (found.unproven()) metrics.semanticUnproven(team, name);
            if (verdict == SemanticCache.Verdict.HIT) return hit(ex, view, found.answer(), SEMANTIC, SEMANTIC_HIT);
            metrics.request(team, name, MISS, "none");
            return (Answer) null;
        }).otherwise(failed -> {
            metrics.request(team, name, MISS, "none");
            return null;
        });
    }

    /** Teaches the semantic cache what a request that was not a hit got; embeds its prompt first if the lookup did not. */
    private void settleSemantic(SemanticCache.Probe probe, CachedAnswer entry) {
        if (probe.hasVector()) {
            semantic.settle(probe, entry);
            return;
        }
        embedder.embed(probe.prompt()).onSuccess(v -> {
            probe.vector(v);
            semantic.settle(probe, entry);
        });
    }

    private static String key(Exchange ex, RequestView view, CachePolicy p) {
        return CacheKeys.key(p.scope(), ex.team.name(), ex.caller == null ? null : ex.caller.keyId(), view.model(), view.cacheKey());
    }

    /** The team a stored answer belongs to: none for a global one. */
    private static String owner(Exchange ex, CachePolicy p) {
        return p.scope() == CachePolicy.Scope.GLOBAL ? null : ex.team.name();
    }

    // ---- store -------------------------------------------------------------------------------

    private void build(Exchange ex, Settlement.Settled settled) {
        try {
            JsonNode completion;
            boolean complete;
            Buffer body = null;
            if (ex.answer instanceof Answer.Whole w) {
                body = Buffer.buffer(w.body().getBytes()); // a copy of its own: the adapter's buffer was the response's
                complete = true;
                completion = parsed(body);
                if (completion == null) complete = false;
            } else if (ex.answer instanceof AnswerStream s) {
                StreamFold fold = s.fold();
                complete = fold.complete();
                ObjectNode c = fold.completion();
                if (!c.has("usage")) c.set("usage", usage(settled.usage()));
                completion = c;
            } else {
                return;
            }
            StoreRule.Refusal refusal = StoreRule.check(true, complete, completion, ex.cachePolicy.storeLength());
            if (refusal == null) {
                if (body == null) body = Json.writeBuffer(completion);
                if (body.length() > exact.maxEntryBytes()) refusal = StoreRule.Refusal.TOO_LARGE;
            }
            if (refusal != null) {
                metrics.store(refusal.tag());
                return;
            }
            long now = ex.startMillis; // an answer is as old as the request that asked for it
            CachePolicy p = ex.cachePolicy;
            String upstream = ex.served.deployment().upstreamModel();
            CachedAnswer entry = new CachedAnswer(ex.view.kind(), body, settled.usage(), ex.served.model(), ex.provider,
                    upstream == null ? "" : upstream, settled.costMicros(), now, now + p.ttl().toMillis(), owner(ex, p), ex.view.model());
            exact.store(ex.cacheKey != null ? ex.cacheKey : key(ex, ex.view, p), entry);
            if (ex.semantic != null) settleSemantic(ex.semantic, entry);
            metrics.store("stored"); // after the semantic label: a test that waits for this sees both
        } catch (RuntimeException e) {
            LOG.errorf(e, "The answer of request %s could not be stored in the cache", ex.requestId);
        }
    }

    private static JsonNode parsed(Buffer body) {
        try {
            JsonNode n = Json.parse(body);
            return n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static ObjectNode usage(Usage u) {
        return Json.object().put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.totalTokens());
    }
}
