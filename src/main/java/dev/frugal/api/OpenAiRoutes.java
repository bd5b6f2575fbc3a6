package dev.frugal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.Operation;
import dev.frugal.resilience.PlanExecutor;
import dev.frugal.wire.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OpenAI-compatible HTTP edge. Thin: read and check the request, hand it to the
 * {@link Gateway}, write the answer. Every handler runs on the event loop and never blocks.
 */
@ApplicationScoped
public class OpenAiRoutes {
    private static final Logger LOG = Logger.getLogger(OpenAiRoutes.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");
    private static final Set<String> KNOWN = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models");

    @Inject Gateway gateway;

    /** What a POST endpoint does with a parsed JSON body. */
    private interface BodyHandler {
        void handle(Exchange ex, ObjectNode body, HttpServerResponse resp);
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(ctx -> withBody(ctx, "chat", this::chat));
        router.post("/v1/completions").handler(ctx -> withBody(ctx, "text_completion", this::completions));
        router.post("/v1/embeddings").handler(ctx -> withBody(ctx, "embeddings", this::embeddings));
        router.get("/v1/models").handler(this::listModels);
        router.getWithRegex("/v1/models/.+").handler(this::getModel);
        router.route("/v1/*").handler(this::unknown);
    }

    // ---- endpoints -----------------------------------------------------------------------

    private void chat(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.Generation g = RequestValidator.chat(body);
        generate(ex, Operation.CHAT, g, body, resp);
    }

    private void completions(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.Generation g = RequestValidator.completion(body);
        generate(ex, Operation.COMPLETIONS, g, body, resp);
    }

    private void generate(Exchange ex, Operation op, RequestValidator.Generation g, ObjectNode body, HttpServerResponse resp) {
        if (g.stream()) {
            gateway.generateStream(ex, op, g.model(), body, g.includeUsage()).onComplete(ar -> {
                if (ar.failed()) { fail(ex, resp, ar.cause()); return; }
                ChunkStream stream = ar.result().value();
                if (resp.closed()) { // the client left while we waited for the first chunk
                    stream.cancel();
                    gateway.finish(ex, 499, stream.usage());
                    return;
                }
                new StreamWriter(resp, stream, gateway, ex).start();
            });
        } else {
            gateway.generate(ex, op, g.model(), body).onComplete(ar -> answer(ex, resp, ar));
        }
    }

    private void answer(Exchange ex, HttpServerResponse resp, AsyncResult<PlanExecutor.Outcome<Completion>> ar) {
        if (ar.failed()) { fail(ex, resp, ar.cause()); return; }
        Completion c = ar.result().value();
        resp.putHeader("x-frugal-attempts", Integer.toString(ar.result().attempts()));
        Responses.json(resp, c.body());
        gateway.finish(ex, 200, c.usage());
    }

    private void embeddings(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.Embedding e = RequestValidator.embeddings(body);
        gateway.embed(ex, e.model(), e.texts(), body, e.dimensions()).onComplete(ar -> {
            if (ar.failed()) { fail(ex, resp, ar.cause()); return; }
            resp.putHeader("x-frugal-attempts", Integer.toString(ar.result().attempts()));
            Responses.json(resp, EmbeddingsWriter.write(e.model(), ar.result().value(), e.base64()));
            gateway.finish(ex, 200, ar.result().value().usage());
        });
    }

    private void listModels(RoutingContext ctx) {
        Exchange ex = authenticated(ctx, "models");
        if (ex == null) return;
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelConfig m : gateway.models(ex)) data.add(model(m));
        Responses.json(ctx.response(), Json.writeBuffer(root));
        gateway.finish(ex, 200, Usage.NONE);
    }

    private void getModel(RoutingContext ctx) {
        Exchange ex = authenticated(ctx, "models");
        if (ex == null) return;
        String raw = ctx.request().path().substring("/v1/models/".length());
        String id;
        try {
            id = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            id = raw;
        }
        for (ModelConfig m : gateway.models(ex)) {
            if (m.name().equals(id)) {
                Responses.json(ctx.response(), Json.writeBuffer(model(m)));
                gateway.finish(ex, 200, Usage.NONE);
                return;
            }
        }
        fail(ex, ctx.response(), GatewayError.modelNotFound(id));
    }

    private static ObjectNode model(ModelConfig m) {
        return Json.object().put("id", m.name()).put("object", "model").put("created", m.created()).put("owned_by", m.ownedBy());
    }

    private void unknown(RoutingContext ctx) {
        String path = ctx.request().path();
        HttpServerResponse resp = ctx.response();
        resp.putHeader(Responses.REQUEST_ID, requestId(ctx.request()));
        boolean known = KNOWN.contains(path) || path.startsWith("/v1/models/");
        Responses.error(resp, known ? GatewayError.methodNotAllowed(ctx.request().method().name(), path) : GatewayError.notFound(path));
    }

    // ---- request plumbing ----------------------------------------------------------------

    private Exchange authenticated(RoutingContext ctx, String endpoint) {
        String rid = requestId(ctx.request());
        ctx.response().putHeader(Responses.REQUEST_ID, rid);
        Exchange ex = gateway.begin(endpoint, rid);
        try {
            gateway.authenticate(ex, ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
            return ex;
        } catch (GatewayError e) {
            fail(ex, ctx.response(), e);
            return null;
        }
    }

    /** Authenticates, checks type and size, reads the body within the limit, parses it, then runs the handler. */
    private void withBody(RoutingContext ctx, String endpoint, BodyHandler handler) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        Exchange ex = authenticated(ctx, endpoint);
        if (ex == null) return;
        long limit = ex.maxBodyBytes();
        try {
            String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && !type.toLowerCase().startsWith("application/json")) throw GatewayError.unsupportedMediaType(type);
            String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parseLength(length) > limit) throw GatewayError.payloadTooLarge(limit);
        } catch (GatewayError e) {
            if (e.status() == 413) resp.putHeader(HttpHeaders.CONNECTION, "close");
            fail(ex, resp, e);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) return;
            if ((long) body.length() + chunk.length() > limit) {
                tooLarge[0] = true;
                resp.putHeader(HttpHeaders.CONNECTION, "close");
                fail(ex, resp, GatewayError.payloadTooLarge(limit));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(t -> { /* the client went away while sending; nothing to answer */ });
        req.endHandler(v -> {
            if (tooLarge[0]) return;
            try {
                handler.handle(ex, parseObject(body), resp);
            } catch (RuntimeException e) {
                fail(ex, resp, e);
            }
        });
        req.resume();
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

    private static String requestId(HttpServerRequest req) {
        String given = req.getHeader(Responses.REQUEST_ID);
        return given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : Ids.random("req_", 24);
    }

    private void fail(Exchange ex, HttpServerResponse resp, Throwable t) {
        GatewayError e;
        if (t instanceof PlanExecutor.AttemptsFailed f) {
            e = f.error();
            resp.putHeader("x-frugal-attempts", Integer.toString(f.attempts()));
        } else if (t instanceof GatewayError g) e = g;
        else if (t instanceof UpstreamFailure u) e = u.toClientError();
        else {
            LOG.errorf(t, "Request %s failed inside the gateway", ex.requestId());
            e = GatewayError.internal("The gateway failed to process the request (request id " + ex.requestId() + ").");
        }
        Responses.error(resp, e);
        gateway.finish(ex, e.status(), Usage.NONE);
    }
}
