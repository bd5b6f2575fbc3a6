package dev.frugal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.provider.ChunkStream;
import dev.frugal.resilience.PlanExecutor;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * The HTTP plumbing every API surface shares (OpenAI's {@code /v1/chat/completions} and friends,
 * Anthropic's {@code /v1/messages}): request ids, authentication, reading a bounded JSON body,
 * relaying a stream, and answering failures — each surface supplying its {@link Style}: where the
 * key may come from and what an error looks like. Event loop only; never blocks.
 */
@ApplicationScoped
class HttpEdge {
    private static final Logger LOG = Logger.getLogger(HttpEdge.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

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

    /** Starts the exchange and authenticates it; answers the 401 and returns null when that fails. */
    Exchange authenticated(RoutingContext ctx, String endpoint, Style style) {
        HttpServerRequest req = ctx.request();
        String rid = requestId(req);
        ctx.response().putHeader(Responses.REQUEST_ID, rid);
        if (style.requestHeader() != null) ctx.response().putHeader(style.requestHeader(), rid);
        Exchange ex = gateway.begin(endpoint, rid);
        try {
            String authorization = req.getHeader(HttpHeaders.AUTHORIZATION);
            String xApiKey = style.xApiKey() ? req.getHeader("x-api-key") : null;
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

    /** Authenticates, checks type and size, reads the body within the limit, parses it, then runs the handler. */
    void withBody(RoutingContext ctx, String endpoint, Style style, BodyHandler handler) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        Exchange ex = authenticated(ctx, endpoint, style);
        if (ex == null) return;
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
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) return;
            if ((long) body.length() + chunk.length() > limit) {
                tooLarge[0] = true;
                resp.putHeader(HttpHeaders.CONNECTION, "close");
                fail(ex, resp, GatewayError.payloadTooLarge(limit), style);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(t -> { /* the client went away while sending; nothing to answer */ });
        req.endHandler(v -> {
            if (tooLarge[0]) return;
            resp.closeHandler(gone -> ex.clientLeft()); // a stream's writer takes this handler over once it starts
            try {
                handler.handle(ex, parseObject(body), resp);
            } catch (RuntimeException e) {
                fail(ex, resp, e, style);
            }
        });
        req.resume();
    }

    /**
     * Relays a stream once the gateway has one, in the given format; answers the failure when it has none.
     */
    void relay(Exchange ex, HttpServerResponse resp, Future<PlanExecutor.Outcome<ChunkStream>> outcome,
               StreamWriter.Format format, Style style) {
        outcome.onComplete(ar -> {
            if (ar.failed()) { fail(ex, resp, ar.cause(), style); return; }
            ChunkStream stream = ar.result().value();
            if (resp.closed()) { // the client left while we waited for the first chunk
                stream.cancel();
                gateway.finish(ex, 499, stream.usage());
                return;
            }
            new StreamWriter(resp, stream, gateway, ex, format).start();
        });
    }

    /** Answers a failure in the surface's shape and settles the exchange. */
    void fail(Exchange ex, HttpServerResponse resp, Throwable t, Style style) {
        GatewayError e;
        if (t instanceof PlanExecutor.AttemptsFailed f) {
            e = f.error();
            outcomeHeaders(resp, ex, f.attempts());
        } else if (t instanceof GatewayError g) e = g;
        else if (t instanceof UpstreamFailure u) e = u.toClientError();
        else {
            LOG.errorf(t, "Request %s failed inside the gateway", ex.requestId());
            e = GatewayError.internal("The gateway failed to process the request (request id " + ex.requestId() + ").");
        }
        gateway.answering(ex);
        style.errors().write(resp, e);
        gateway.finish(ex, e.status(), Usage.NONE, e.code());
    }

    /** The headers of an answered request: the attempts made and its rate-limit state ({@code x-ratelimit-*}). */
    static void outcomeHeaders(HttpServerResponse resp, Exchange ex, int attempts) {
        resp.putHeader("x-frugal-attempts", Integer.toString(attempts));
        for (java.util.Map.Entry<String, String> h : ex.responseHeaders().entrySet()) resp.putHeader(h.getKey(), h.getValue());
    }

    /**
     * The status to settle a whole (non-streamed) answer with once written: 200, or 499 when the
     * client had already left — it is billed all the same, since the upstream did the work.
     */
    static int answered(HttpServerResponse resp) {
        return resp.closed() ? 499 : 200;
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
