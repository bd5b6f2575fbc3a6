package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.TimeSource;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.Embeddings;
import dev.frugal.resilience.AttemptOutcome;
import dev.frugal.routing.Attempt;
import dev.frugal.wire.Json;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.frugal.telemetry.TraceNames.*;

/**
 * The request's trace (docs/observability.md#traces, decision 0022): one SERVER span per API request,
 * continuing the client's W3C {@code traceparent}/{@code tracestate}, and under it one CLIENT span per
 * upstream attempt, named and attributed by the OpenTelemetry GenAI conventions, whose context goes
 * upstream as the attempt's {@code traceparent}. The context travels in the {@link Exchange}, never in
 * a thread-local: the pipeline hops between callbacks of the event loop. Prompt and answer text are
 * recorded only for the teams in {@code frugal.telemetry.capture-content.teams}.
 *
 * <p>Off (every method returns at once, nothing is allocated) when the OpenTelemetry SDK is disabled,
 * which it is unless an OTLP endpoint is configured ({@link dev.frugal.telemetry.OtlpSettings}).
 */
@Singleton
public class Traces implements Settlement.AfterStep {
    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override public Iterable<String> keys(MultiMap carrier) { return carrier.names(); }
        @Override public String get(MultiMap carrier, String key) { return carrier == null ? null : carrier.get(key); }
    };

    @Inject Instance<OpenTelemetry> otel;
    @Inject TimeSource time;
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean disabled;
    @ConfigProperty(name = "frugal.telemetry.capture-content.teams") Optional<Set<String>> contentTeams;

    private Tracer tracer;
    private TextMapPropagator propagator;

    /** One request's spans; on the exchange only when tracing is on. */
    static final class RequestTrace {
        final Span server;
        final Context context;
        /** The attempt span not ended yet, and its attempt: a stream's stays open until the request settles. */
        Span attempt;
        Attempt attemptOf;
        int calls;
        /** When the open attempt started ({@link TimeSource#nanoTime}). */
        long attemptStartNanos;
        /** The deployment last tried or passed over, and how that went; null before the first. */
        Attempt last;
        AttemptOutcome lastOutcome;

        RequestTrace(Span server, Context context) {
            this.server = server;
            this.context = context;
        }
    }

    @PostConstruct
    void init() {
        if (disabled || !otel.isResolvable()) return;
        OpenTelemetry o = otel.get();
        tracer = o.getTracer(SCOPE);
        propagator = o.getPropagators().getTextMapPropagator();
    }

    /** Whether requests are traced. */
    public boolean on() { return tracer != null; }

    /**
     * Starts the request's server span, as a child of the client's trace context when its headers carry
     * one; the exchange's trace id becomes the span's (the client's trace id when continued).
     *
     * @param route the route's path pattern (bounded), not the request's path
     */
    public void begin(Exchange ex, String method, String route, MultiMap headers) {
        if (tracer == null) return;
        Context parent = propagator.extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder(method + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method).setAttribute(HTTP_ROUTE, route).setAttribute(REQUEST_ID, ex.requestId)
                .startSpan();
        ex.trace = new RequestTrace(span, parent.with(span));
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) ex.traceId = sc.getTraceId();
    }

    /**
     * Starts the CLIENT span of an attempt about to call {@code a} (the previous attempt's span is ended
     * by then) and returns its {@code traceparent} for the upstream request, or null when not traced.
     * A retry or a fallback is an event on the server span.
     */
    String attempt(Exchange ex, Attempt a, String operation) {
        RequestTrace t = ex.trace;
        if (t == null) return null;
        t.calls++;
        String deployment = deployment(a);
        if (t.last != null) {
            boolean retry = t.last == a || t.last.deployment() == a.deployment() && t.last.provider() == a.provider();
            t.server.addEvent(retry && !t.lastOutcome.tag().startsWith("skipped") ? RETRY : FALLBACK, Attributes.of(
                    ATTEMPT, (long) t.calls, DEPLOYMENT, deployment, PREVIOUS_DEPLOYMENT, deployment(t.last),
                    PREVIOUS_OUTCOME, t.lastOutcome.tag()));
        }
        String model = a.deployment().upstreamModel();
        var b = tracer.spanBuilder(operation + " " + model).setParent(t.context).setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, operation)
                .setAttribute(PROVIDER, providerName(a.provider().kind().id()))
                .setAttribute(REQUEST_MODEL, model)
                .setAttribute(ATTEMPT, (long) t.calls)
                .setAttribute(DEPLOYMENT, deployment)
                .setAttribute(SERVED_MODEL, a.model());
        URI base = a.provider().baseUrl();
        if (base != null && base.getHost() != null) {
            b.setAttribute(SERVER_ADDRESS, base.getHost());
            b.setAttribute(SERVER_PORT, (long) (base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80));
        }
        if (ex.team != null) b.setAttribute(TEAM, ex.team.name());
        if (ex.route != null) b.setAttribute(ROUTE, ex.route);
        if (ex.streamed) b.setAttribute(REQUEST_STREAM, true);
        Span span = b.startSpan();
        if (capturesContent(ex) && ex.view != null) {
            JsonNode input = ex.view.body().get(ex.view.body().has("messages") ? "messages" : "prompt");
            if (input != null) span.setAttribute(INPUT_MESSAGES, Json.write(input));
        }
        t.attempt = span;
        t.attemptOf = a;
        t.attemptStartNanos = time.nanoTime();
        SpanContext c = span.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The attempt span open now (the call just started it), or null. */
    Span open(Exchange ex) {
        return ex.trace == null ? null : ex.trace.attempt;
    }

    /**
     * What an attempt's call gave, before the plan judges it: usage and response details, or the error's type.
     * An answer that comes after the plan gave up on its call (a deadline) finds its span ended, and is ignored.
     */
    void answered(Exchange ex, Span span, AsyncResult<?> ar) {
        RequestTrace t = ex.trace;
        if (t == null || span == null || t.attempt != span) return;
        if (ar.failed()) {
            span.setAttribute(ERROR_TYPE, errorType(ar.cause()));
        } else if (ar.result() instanceof ChunkStream) {
            span.addEvent(FIRST_TOKEN);
            span.setAttribute(TIME_TO_FIRST_CHUNK, (time.nanoTime() - t.attemptStartNanos) / 1e9);
        } else if (ar.result() instanceof Completion c) {
            usage(span, c.usage());
            try {
                response(span, (ObjectNode) Json.parse(c.body()), capturesContent(ex));
            } catch (Exception | Error e) {
                // a body the adapter produced is always JSON; if not, the span simply lacks the details
            }
        } else if (ar.result() instanceof Embeddings e) {
            span.setAttribute(INPUT_TOKENS, e.usage().promptTokens());
        }
    }

    /** The plan's verdict on a deployment: ends the attempt's span, unless it is a stream that answered (ended when settled). */
    void attempted(Exchange ex, Attempt a, AttemptOutcome outcome, boolean streaming) {
        RequestTrace t = ex.trace;
        if (t == null) return;
        t.last = a;
        t.lastOutcome = outcome;
        if (t.attemptOf != a || t.attempt == null) return; // passed over: no call, no span
        Span span = t.attempt;
        span.setAttribute(OUTCOME, outcome.tag());
        if (outcome == AttemptOutcome.SUCCESS && streaming) return;
        if (outcome != AttemptOutcome.SUCCESS && outcome != AttemptOutcome.ESCALATED) {
            span.setAttribute(ERROR_TYPE, outcome.tag());
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
        t.attempt = null;
    }

    /** Settled: ends a stream's attempt span with what it used, then the server span with the request's outcome. */
    @Override
    public void after(Exchange ex, Settlement.Settled s) {
        RequestTrace t = ex.trace;
        if (t == null) return;
        if (t.attempt != null) {
            Span span = t.attempt;
            usage(span, s.usage());
            if (ex.answer instanceof AnswerStream stream && !stream.fold().isEmpty()) {
                response(span, stream.fold().completion(), capturesContent(ex));
            }
            if (s.status() >= 400) {
                span.setAttribute(ERROR_TYPE, s.errorCode() != null ? s.errorCode() : Integer.toString(s.status()));
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
            t.attempt = null;
        }
        Span server = t.server;
        server.setAttribute(HTTP_STATUS, (long) s.status());
        if (ex.team != null) server.setAttribute(TEAM, ex.team.name());
        if (ex.route != null) server.setAttribute(ROUTE, ex.route);
        if (ex.cacheStatus != null) server.setAttribute(CACHE, ex.cacheStatus);
        if (ex.requestedModel != null && !ex.requestedModel.isEmpty()) server.setAttribute(REQUEST_MODEL, ex.requestedModel);
        if (ex.served != null) server.setAttribute(SERVED_MODEL, ex.served.model());
        else if (ex.hit != null) server.setAttribute(SERVED_MODEL, ex.hit.model());
        server.setAttribute(ATTEMPTS, (long) ex.attempts);
        server.setAttribute(COST_USD, s.costMicros() / 1e6);
        if (s.usage().totalTokens() > 0) usage(server, s.usage());
        if (s.status() >= 400) {
            server.setAttribute(ERROR_TYPE, s.errorCode() != null ? s.errorCode() : Integer.toString(s.status()));
            if (s.status() >= 500) server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }

    private boolean capturesContent(Exchange ex) {
        return ex.team != null && contentTeams.isPresent() && contentTeams.get().contains(ex.team.name());
    }

    private static void usage(Span span, Usage u) {
        span.setAttribute(INPUT_TOKENS, u.promptTokens());
        span.setAttribute(OUTPUT_TOKENS, u.completionTokens());
        if (u.cachedTokens() > 0) span.setAttribute(CACHE_READ_TOKENS, u.cachedTokens());
        if (u.reasoningTokens() > 0) span.setAttribute(REASONING_TOKENS, u.reasoningTokens());
    }

    /** The response's model, id and finish reasons (an OpenAI-shaped completion); its messages when the team opted in. */
    private static void response(Span span, ObjectNode body, boolean content) {
        if (body.path("model").isTextual()) span.setAttribute(RESPONSE_MODEL, body.get("model").textValue());
        if (body.path("id").isTextual()) span.setAttribute(RESPONSE_ID, body.get("id").textValue());
        List<String> reasons = new ArrayList<>(1);
        List<JsonNode> messages = content ? new ArrayList<>(1) : null;
        for (JsonNode choice : body.path("choices")) {
            JsonNode r = choice.get("finish_reason");
            if (r != null && r.isTextual()) reasons.add(r.textValue());
            if (messages != null) messages.add(choice.has("message") ? choice.get("message") : choice.path("text"));
        }
        if (!reasons.isEmpty()) span.setAttribute(FINISH_REASONS, reasons);
        if (messages != null && !messages.isEmpty()) span.setAttribute(OUTPUT_MESSAGES, Json.write(Json.mapper().valueToTree(messages)));
    }

    private static String errorType(Throwable t) {
        if (t instanceof dev.frugal.core.UpstreamFailure u) return AttemptOutcome.of(u.kind()).tag();
        if (t instanceof dev.frugal.core.GatewayError g) return g.code() != null ? g.code() : Integer.toString(g.status());
        return t.getClass().getName();
    }

    private static String deployment(Attempt a) {
        return a.provider().name() + "/" + a.deployment().upstreamModel();
    }
}
