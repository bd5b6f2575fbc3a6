package dev.frugal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.pipeline.Answer;
import dev.frugal.pipeline.AnswerStream;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.pipeline.Traces;
import dev.frugal.wire.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HTTP plumbing every API surface shares (OpenAI's {@code /v1/chat/completions} and friends,
 * Anthropic's {@code /v1/messages}): request ids, authentication, reading a bounded JSON body,
 * relaying a stream, and answering failures — each surface supplying its {@link Style}: where the
 * key may come from and what an error looks like. Event loop only; never blocks.
 */
@Singleton
class HttpEdge {
    /**
     * The order of the routes {@link #post} registers (chat, completions, embeddings, messages, responses): after
     * {@link SlowClients}' body deadline, before every other route. Otherwise each such request is first matched
     * against the metrics, console and admin routes (some by regular expression) and Quarkus's upload limit, which
     * {@link #withBody} makes redundant with the config's own, lower limit (docs/benchmarks.md, session 10).
     */
    private static final int MODEL_ROUTE_ORDER = -200;

    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");
    /** The request header routing rules may match (docs/routing.md#rules). */
    static final String ROUTE_HEADER = "x-frugal-route";

    /** Writes one error in a surface's shape (status and headers included). */
    interface ErrorWriter {
        void write(HttpServerResponse resp, GatewayError e);
    }

    /**
     * One API surface's conventions.
     *
     * @param xApiKey       the key may also come as {@code x-api-key} (Anthropic's SDKs send it so)
     * @param requestHeader a second header that carries the request id too, or null
     */
    record Style(boolean xApiKey, String requestHeader, ErrorWriter errors) {}

    /** What a POST endpoint does with a parsed JSON body. */
    interface BodyHandler {
        void handle(Exchange ex, ObjectNode body, HttpServerResponse resp);
    }

    @Inject Gateway gateway;
    @Inject Traces traces;

    /** Starts the exchange and authenticates it; answers the 401 and returns null when that fails. */
    Exchange authenticated(RoutingContext ctx, String endpoint, Style style) {
        HttpServerRequest req = ctx.request();
        String rid = requestId(req);
        ctx.response().putHeader(Responses.REQUEST_ID, rid);
        if (style.requestHeader() != null) ctx.response().putHeader(style.requestHeader(), rid);
        Exchange ex = gateway.begin(endpoint, rid);
        ex.traceparent(req.getHeader("traceparent"));
        if (traces.on()) traces.begin(ex, req.method().name(), routePattern(ctx, endpoint), req.headers());
        try {
            String authorization = single(req, HttpHeaders.AUTHORIZATION.toString());
            String xApiKey = style.xApiKey() ? single(req, "x-api-key") : null;
            if (xApiKey != null) gateway.authenticateKey(ex, xApiKey);
            else if (style.xApiKey() && authorization == null) {
                throw GatewayError.unauthorized("You didn't provide an API key. Send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.");
            } else gateway.authenticate(ex, authorization);
            return ex;
        } catch (GatewayError e) {
            fail(ex, ctx.response(), e, style);
            return null;
        }
    }

    /** Registers a POST endpoint that takes a JSON body, ahead of the other routes ({@link #MODEL_ROUTE_ORDER}). */
    void post(Router router, String path, String endpoint, Style style, BodyHandler handler) {
        router.post(path).order(MODEL_ROUTE_ORDER).handler(ctx -> withBody(ctx, endpoint, style, handler));
    }

    /** Authenticates, checks type and size, reads the body within the limit, parses it, then runs the handler. */
    private void withBody(RoutingContext ctx, String endpoint, Style style, BodyHandler handler) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        Exchange ex = authenticated(ctx, endpoint, style);
        if (ex == null) return;
        ex.routeHeader(req.getHeader(ROUTE_HEADER));
        long limit = ex.maxBodyBytes();
        try {
            String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && !type.toLowerCase().startsWith("application/json")) throw GatewayError.unsupportedMediaType(type);
            String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parseLength(length) > limit) throw GatewayError.payloadTooLarge(limit);
        } catch (GatewayError e) {
            if (e.status() == 413) resp.putHeader(HttpHeaders.CONNECTION, "close");
            fail(ex, resp, e, style);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false}; // too large, or too slow: answered already
        SlowClients.answerBodyTimeoutWith(ctx, timeout -> {
            refused[0] = true;
            fail(ex, resp, timeout, style);
        });
        req.handler(chunk -> {
            if (refused[0]) return;
            if ((long) body.length() + chunk.length() > limit) {
                refused[0] = true;
                resp.putHeader(HttpHeaders.CONNECTION, "close");
                fail(ex, resp, GatewayError.payloadTooLarge(limit), style);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(t -> { /* the client went away while sending; nothing to answer */ });
        req.endHandler(v -> {
            if (refused[0]) return;
            resp.closeHandler(gone -> ex.clientLeft()); // a stream's writer takes this handler over once it starts
            try {
                ObjectNode parsed = parseObject(body);
                JsonNode model = parsed.get("model");
                ex.requestedModel(model != null && model.isTextual() ? model.asText() : null);
                ex.cacheControl(req.headers().getAll(HttpHeaders.CACHE_CONTROL));
                handler.handle(ex, parsed, resp);
            } catch (RuntimeException e) {
                fail(ex, resp, e, style);
            }
        });
        req.resume();
    }

    /**
     * Writes what the pipeline answered a generation request with: a whole response as it is
     * (through {@code whole}, which may translate it), a stream in the given format, or the failure.
     */
    void answer(Exchange ex, HttpServerResponse resp, AsyncResult<Answer> ar, Style style,
                Function<Answer.Whole, Buffer> whole, StreamWriter.Format format) {
        if (ar.failed()) {
            fail(ex, resp, ar.cause(), style);
        } else if (ar.result() instanceof AnswerStream s) {
            relay(ex, resp, s, format);
        } else if (ar.result() instanceof Answer.Whole w) {
            Buffer body;
            try {
                body = whole.apply(w);
            } catch (RuntimeException e) {
                fail(ex, resp, e, style);
                return;
            }
            write(ex, resp, body);
        } else {
            fail(ex, resp, new IllegalStateException("unexpected answer " + ar.result()), style);
        }
    }

    /**
     * Writes a whole answer with its outcome headers, then tells the exchange how it went, by the
     * write's outcome — not by the connection's state afterwards, which a {@code Connection: close}
     * or HTTP/1.0 client closes as soon as it has its answer. 499 when the client had left (before
     * the write, or the write failed): billed all the same, since the upstream did the work.
     */
    void write(Exchange ex, HttpServerResponse resp, Buffer body) {
        if (resp.ended() || resp.closed()) {
            ex.delivered(499);
            return;
        }
        outcomeHeaders(resp, ex);
        resp.putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON).end(body)
                .onComplete(written -> ex.delivered(written.succeeded() ? 200 : 499));
    }

    /** Relays a stream, unless the client left while the gateway waited for its first chunk. */
    private static void relay(Exchange ex, HttpServerResponse resp, AnswerStream stream, StreamWriter.Format format) {
        if (resp.closed()) {
            ex.clientLeft();
            return;
        }
        new StreamWriter(resp, stream, ex, format).start();
    }

    /** Answers a failure in the surface's shape; the exchange settles it. */
    void fail(Exchange ex, HttpServerResponse resp, Throwable t, Style style) {
        style.errors().write(resp, ex.failed(t));
    }

    /** The headers of an answered request: the attempts made and its rate-limit state ({@code x-ratelimit-*}). */
    static void outcomeHeaders(HttpServerResponse resp, Exchange ex) {
        ex.outcomeHeaders(resp::putHeader);
    }

    /** A key header's one value, or null; 400 {@code ambiguous_credentials} when it holds more than one. */
    private static String single(HttpServerRequest req, String name) {
        java.util.List<String> values = req.headers().getAll(name);
        if (GatewayError.ambiguous(values)) throw GatewayError.ambiguousCredentials(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The matched route's path (a bounded set, unlike the request's path), else the endpoint's name. */
    private static String routePattern(RoutingContext ctx, String endpoint) {
        String path = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
        return path != null ? path : endpoint;
    }

    static String requestId(HttpServerRequest req) {
        String given = req.getHeader(Responses.REQUEST_ID);
        return given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : Ids.random("req_", 24);
    }

    private static long parseLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw GatewayError.invalidRequest("Content-Length is not a number.", null);
        }
    }

    private static ObjectNode parseObject(Buffer body) {
        if (body.length() == 0) throw GatewayError.malformedJson("The body is empty.");
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw GatewayError.malformedJson("The body is not valid JSON" + where + ".");
        } catch (Exception e) {
            throw GatewayError.malformedJson("The body is not valid JSON.");
        }
        if (!(node instanceof ObjectNode o)) throw GatewayError.invalidRequest("The body must be a JSON object.", null);
        return o;
    }
}
