package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.catalog.Pricing;
import dev.frugal.catalog.TokenCounter;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.Price;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.resilience.Execution;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.CascadeCheck;
import dev.frugal.routing.Plan;
import dev.frugal.telemetry.GatewayMetrics;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A cascade route's execution (docs/routing.md#cascades): each answer but the last model's goes through
 * {@link CascadeCheck} before anything reaches the client; one that fails is noted on the exchange (billed
 * with the answer served, counted by reason) and the executor moves on to the next model. A streamed
 * request cascades only when its route buffers streams: each step but the last model's is then read whole
 * ({@link BufferedStream}), checked, and replayed or escalated; the last model streams as usual.
 */
@Singleton
class Cascades {
    @Inject Pricing pricing;
    @Inject TokenCounter tokens;
    @Inject GatewayMetrics metrics;

    /** Whether the request cascades: a chat or completions request to a route with a cascade; a stream only when the route buffers streams. */
    static boolean applies(Exchange ex, RequestView view) {
        if (ex.route == null || view.kind() == RequestView.Kind.EMBEDDINGS) return false;
        RouteConfig route = ex.config.route(ex.route);
        return route != null && route.cascade() != null && (!view.stream() || route.cascade().bufferStreams());
    }

    /** Whole answers, each checked. */
    Execution<Completion> whole(Exchange ex, RequestView view, Execution<Completion> execution) {
        boolean json = jsonRequired(view);
        return execution.escalating((a, completion) -> {
            JsonNode body;
            try {
                body = Json.parse(completion.body());
            } catch (Exception e) {
                body = null;
            }
            CascadeCheck.Reason why = CascadeCheck.check(body, json);
            if (why == null) return null;
            escalated(ex, a, completion, completion.usage(), why);
            return why.tag();
        });
    }

    /** Streams: the attempts of every model but the plan's last are buffered whole and checked. */
    Execution<ChunkStream> buffered(Exchange ex, Plan plan, RequestView view, Execution<ChunkStream> execution) {
        String lastModel = plan.attempts().get(plan.attempts().size() - 1).model();
        Function<Attempt, Future<ChunkStream>> live = execution.call();
        Function<Attempt, Future<ChunkStream>> call = a -> a.model().equals(lastModel) ? live.apply(a)
                : live.apply(a).compose(BufferedStream::read);
        boolean json = jsonRequired(view);
        return new Execution<>(execution.settings(), call, execution.perRequest(), execution.clientGone(), (a, stream) -> {
            if (!(stream instanceof BufferedStream b)) return null; // the last model's stream, live
            CascadeCheck.Reason why = CascadeCheck.check(b.fold.completion(), json);
            if (why == null) return null;
            escalated(ex, a, stream, usage(ex, a, b), why);
            return why.tag();
        });
    }

    private void escalated(Exchange ex, Attempt a, Object answer, Usage usage, CascadeCheck.Reason why) {
        Price p = pricing.price(ex.config, ex.config.model(a.model()), a.deployment());
        ex.escalate(new Exchange.Step(a, answer, usage, p == null ? 0 : p.costMicros(usage), why));
        metrics.escalation(ex.route, a.model(), why.tag());
    }

    /** What a buffered answer used: as the upstream reported it, else counted from its text (the fold is bounded). */
    private Usage usage(Exchange ex, Attempt a, BufferedStream b) {
        Usage reported = b.usage();
        if (reported.completionTokens() > 0) return reported;
        long prompt = reported.promptTokens() > 0 ? reported.promptTokens() : ex.view == null ? 0 : ex.view.promptTokens();
        return new Usage(prompt, tokens.count(a.deployment().upstreamModel(), b.fold.text()).tokens(), 0, 0);
    }

    private static boolean jsonRequired(RequestView view) {
        return view.needs(RequestView.Capability.JSON_SCHEMA) || view.needs(RequestView.Capability.JSON_MODE);
    }

    /**
     * An upstream stream read to its end before any of it reaches the client, then played like a stored one
     * ({@link ReplayStream}). A failure before the end fails the attempt (nothing was sent, so the executor may
     * fall back). One per attempt; event loop only.
     */
    static final class BufferedStream implements ChunkStream, ChunkStream.Handler {
        private final ChunkStream upstream;
        private final List<String> chunks = new ArrayList<>();
        final StreamFold fold = new StreamFold();
        private final Promise<ChunkStream> whole = Promise.promise();
        private ReplayStream replay;

        private BufferedStream(ChunkStream upstream) {
            this.upstream = upstream;
        }

        /** Reads {@code upstream} whole; completes with the buffered stream when it ends, fails when it fails. */
        static Future<ChunkStream> read(ChunkStream upstream) {
            BufferedStream b = new BufferedStream(upstream);
            upstream.start(b);
            return b.whole.future();
        }

        @Override
        public void onChunk(String json) {
            chunks.add(json);
            fold.add(json);
        }

        @Override
        public void onEnd() {
            replay = new ReplayStream(chunks, upstream.usage());
            whole.tryComplete(this);
        }

        @Override
        public void onError(Throwable failure) {
            whole.tryFail(failure);
        }

        @Override public void start(Handler handler) { replay.start(handler); }

        @Override public void pause() { replay.pause(); }

        @Override public void resume() { replay.resume(); }

        @Override
        public void cancel() {
            upstream.cancel();
            if (replay != null) replay.cancel();
        }

        @Override public Usage usage() { return upstream.usage(); }

        @Override public int chunksDelivered() { return replay == null ? 0 : replay.chunksDelivered(); }
    }
}
