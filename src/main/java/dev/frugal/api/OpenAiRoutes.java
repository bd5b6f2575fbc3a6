package dev.frugal.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.pipeline.Answer;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.wire.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The OpenAI-compatible HTTP edge. Thin: read and check the request, hand it to the
 * {@link Gateway}, write the answer. Every handler runs on the event loop and never blocks.
 */
@Singleton
public class OpenAiRoutes {
    private static final Set<String> KNOWN = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models",
            "/v1/messages", "/v1/usage", "/v1/responses", "/v1/messages/count_tokens");
    /** OpenAI's conventions: the key as a bearer token, errors as {@code {"error":{…}}}. */
    static final HttpEdge.Style STYLE = new HttpEdge.Style(false, null, Responses::error);

    @Inject Gateway gateway;
    @Inject HttpEdge edge;

    void register(@Observes Router router) {
        edge.post(router, "/v1/chat/completions", "chat", STYLE, this::chat);
        edge.post(router, "/v1/completions", "text_completion", STYLE, this::completions);
        edge.post(router, "/v1/embeddings", "embeddings", STYLE, this::embeddings);
        router.get("/v1/models").handler(this::listModels);
        router.getWithRegex("/v1/models/.+").handler(this::getModel);
        // last: other surfaces (MessagesRoutes) register their /v1 routes from their own observers
        router.route("/v1/*").last().handler(this::unknown);
    }

    // ---- endpoints -----------------------------------------------------------------------

    private void chat(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.chat(body);
        gateway.chat(ex, body).onComplete(ar -> edge.answer(ex, resp, ar, STYLE, Answer.Whole::body, StreamWriter.OPENAI));
    }

    private void completions(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.completion(body);
        gateway.completions(ex, body).onComplete(ar -> edge.answer(ex, resp, ar, STYLE, Answer.Whole::body, StreamWriter.OPENAI));
    }

    private void embeddings(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        RequestValidator.Embedding e = RequestValidator.embeddings(body);
        gateway.embeddings(ex, body, e.texts(), e.dimensions()).onComplete(ar -> {
            if (ar.failed()) { fail(ex, resp, ar.cause()); return; }
            if (!(ar.result() instanceof Answer.Vectors v)) { fail(ex, resp, new IllegalStateException("unexpected answer " + ar.result())); return; }
            edge.write(ex, resp, EmbeddingsWriter.write(e.model(), v.vectors(), v.usage(), e.base64()));
        });
    }

    private void listModels(RoutingContext ctx) {
        Exchange ex = authenticated(ctx, "models");
        if (ex == null) return;
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelConfig m : gateway.models(ex)) data.add(model(m));
        for (RouteConfig r : gateway.routes(ex)) data.add(route(r));
        Responses.json(ctx.response(), Json.writeBuffer(root));
        ex.delivered(200);
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
                ex.delivered(200);
                return;
            }
        }
        for (RouteConfig r : gateway.routes(ex)) {
            if (r.name().equals(id)) {
                Responses.json(ctx.response(), Json.writeBuffer(route(r)));
                ex.delivered(200);
                return;
            }
        }
        fail(ex, ctx.response(), GatewayError.modelNotFound(id));
    }

    /** A route as {@code /v1/models} lists it: like a model, owned by {@code frugal-route}. */
    private static ObjectNode route(RouteConfig r) {
        return Json.object().put("id", r.name()).put("object", "model").put("created", r.created()).put("owned_by", "frugal-route");
    }

    private static ObjectNode model(ModelConfig m) {
        return Json.object().put("id", m.name()).put("object", "model").put("created", m.created()).put("owned_by", m.ownedBy());
    }

    private void unknown(RoutingContext ctx) {
        String path = ctx.request().path();
        HttpServerResponse resp = ctx.response();
        resp.putHeader(Responses.REQUEST_ID, HttpEdge.requestId(ctx.request()));
        boolean known = KNOWN.contains(path) || path.startsWith("/v1/models/");
        Responses.error(resp, known ? GatewayError.methodNotAllowed(ctx.request().method().name(), path) : GatewayError.notFound(path));
    }

    // ---- request plumbing ----------------------------------------------------------------

    private Exchange authenticated(RoutingContext ctx, String endpoint) {
        return edge.authenticated(ctx, endpoint, STYLE);
    }

    private void fail(Exchange ex, HttpServerResponse resp, Throwable t) {
        edge.fail(ex, resp, t, STYLE);
    }
}
