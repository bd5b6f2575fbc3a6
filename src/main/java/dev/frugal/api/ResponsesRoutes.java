package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.api.responses.ResponseObject;
import dev.frugal.api.responses.ResponsesRequestMapper;
import dev.frugal.api.responses.ResponsesStreamMapper;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.Answer;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.pipeline.ResponseStore;
import dev.frugal.wire.Json;
import dev.frugal.wire.Sse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's Responses API (docs/responses.md): {@code POST /v1/responses} is translated into a chat
 * request and goes through the same pipeline as {@code /v1/chat/completions} (keys, limits,
 * routing to any backend kind, resilience, cache, one ledger row with endpoint {@code responses});
 * the answer, or the stream's chunks, are translated back ({@code dev.frugal.api.responses}).
 * Responses are kept per team ({@link ResponseStore}) unless the client sends {@code store: false},
 * for {@code GET}/{@code DELETE /v1/responses/{id}}, {@code GET /v1/responses/{id}/input_items} and
 * {@code previous_response_id}. A response is saved before its answer (or its stream's terminal
 * event) is written, so a client that has the id can continue from it at once. Errors are
 * OpenAI-shaped; after a stream began, a failure is its {@code response.failed} event. Event loop only.
 */
@Singleton
public class ResponsesRoutes {
    private static final Logger LOG = Logger.getLogger(ResponsesRoutes.class);
    private static final HttpEdge.Style STYLE = OpenAiRoutes.STYLE;
    /** The endpoint name of the calls that read or delete stored responses (metrics; no ledger row). */
    private static final String STORED = "responses_stored";

    @Inject Gateway gateway;
    @Inject HttpEdge edge;
    @Inject ResponseStore store;
    @Inject TimeSource time;
    /** Tools without a chat form: refused (400) or dropped (decision 0021). */
    @ConfigProperty(name = "frugal.responses.unsupported-tools", defaultValue = "reject")
    ResponsesRequestMapper.UnsupportedTools unsupportedTools;

    /** Names the tool types a request was sent on without ({@code frugal.responses.unsupported-tools=drop}). */
    static final String DROPPED_TOOLS = "x-frugal-dropped-tools";

    void register(@Observes Router router) {
        edge.post(router, "/v1/responses", "responses", STYLE, this::create);
        router.get("/v1/responses/:id").handler(this::retrieve);
        router.delete("/v1/responses/:id").handler(this::delete);
        router.get("/v1/responses/:id/input_items").handler(this::inputItems);
        router.post("/v1/responses/:id/cancel").handler(this::cancel);
    }

    // ---- create ----------------------------------------------------------------------------------

    private void create(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        String previous = ResponsesRequestMapper.previousResponseId(body);
        Future<ArrayNode> prior = previous == null ? Future.succeededFuture(null) : store.find(ex, previous).map(s -> {
            if (s == null) {
                throw new GatewayError(400, "invalid_request_error", "previous_response_not_found", "previous_response_id",
                        "Previous response with id '" + previous + "' not found.");
            }
            return context(s);
        });
        // items of other stored responses the input names alone (item_reference), read in the same scope: the team's
        List<Future<ResponseStore.Stored>> named = new ArrayList<>();
        for (String id : ResponsesRequestMapper.referencedResponses(body, previous)) named.add(store.find(ex, id));
        Future<Map<String, JsonNode>> referable = Future.all(named).map(all -> {
            Map<String, JsonNode> items = new HashMap<>();
            for (ResponseStore.Stored s : named.stream().map(Future::result).toList()) {
                if (s == null) continue; // not the team's, or gone: its items stay "not found"
                for (JsonNode item : context(s)) if (item.hasNonNull("id")) items.putIfAbsent(item.get("id").asText(), item);
            }
            return items;
        });
        Future.all(prior, referable).onComplete(ar -> {
            ResponsesRequestMapper.Translated t;
            try {
                if (ar.failed()) throw ar.cause();
                t = ResponsesRequestMapper.toChat(body, prior.result(), referable.result(), unsupportedTools);
            } catch (Throwable e) {
                edge.fail(ex, resp, e, STYLE);
                return;
            }
            if (!t.dropped().isEmpty()) resp.putHeader(DROPPED_TOOLS, String.join(",", new java.util.LinkedHashSet<>(t.dropped())));
            String id = ResponseObject.newId();
            ObjectNode response = ResponseObject.start(id, time.millis() / 1000, t.model(), t.echo());
            gateway.chat(ex, t.chat()).onComplete(answer -> {
                if (answer.succeeded() && answer.result() instanceof Answer.Whole w) whole(ex, resp, w, t, response);
                else edge.answer(ex, resp, answer, STYLE, w -> { throw new IllegalStateException("a whole answer"); },
                        new Events(ex, t, response));
            });
        });
    }

    /** The context a continuation starts from: the stored input items, then the stored output. */
    private static ArrayNode context(ResponseStore.Stored s) {
        try {
            ArrayNode items = (ArrayNode) Json.parse(s.inputItems());
            for (JsonNode item : Json.parse(s.response()).path("output")) items.add(item);
            return items;
        } catch (Exception e) {
            throw new IllegalStateException("stored response " + s.id() + " is not JSON", e);
        }
    }

    private void whole(Exchange ex, HttpServerResponse resp, Answer.Whole w, ResponsesRequestMapper.Translated t, ObjectNode response) {
        Buffer body;
        try {
            JsonNode completion = Json.parse(w.body());
            ResponseObject.complete(response, completion, w.usage(), time.millis() / 1000);
            body = Json.writeBuffer(response);
        } catch (Exception e) { // adapters answer JSON they made or checked; this is a gateway bug
            edge.fail(ex, resp, new IllegalStateException("the upstream's answer is not a chat completion", e), STYLE);
            return;
        }
        saved(ex, t, response).onComplete(v -> edge.write(ex, resp, body));
    }

    /** Saves the finished response unless the client said {@code store: false}; always completes (a failure is logged). */
    private Future<Void> saved(Exchange ex, ResponsesRequestMapper.Translated t, ObjectNode response) {
        if (!t.store()) return Future.succeededFuture();
        String id = response.get("id").asText();
        return store.save(ex, id, response.get("created_at").asLong(), Json.write(response), Json.write(t.context()))
                .recover(e -> {
                    LOG.warnf("Response %s of request %s was answered but not stored: %s", id, ex.requestId(), e.getMessage());
                    return Future.succeededFuture();
                });
    }

    /** The Responses event stream of one answer; saves the response before its terminal event. Not thread-safe. */
    private final class Events implements StreamWriter.Format {
        private final Exchange ex;
        private final ResponsesRequestMapper.Translated t;
        private final ResponsesStreamMapper mapper;
        private Future<Void> saved = Future.succeededFuture();

        Events(Exchange ex, ResponsesRequestMapper.Translated t, ObjectNode response) {
            this.ex = ex;
            this.t = t;
            this.mapper = new ResponsesStreamMapper(response);
        }

        @Override public void chunk(String json, Buffer out) { mapper.chunk(json, (type, data) -> Sse.appendEvent(out, type, data)); }

        @Override
        public void end(Usage usage, Buffer out) {
            mapper.end(usage, time.millis() / 1000, (type, data) -> Sse.appendEvent(out, type, data));
            saved = saved(ex, t, mapper.response());
        }

        @Override public Future<Void> ended() { return saved; }

        @Override
        public void error(GatewayError e, Buffer out) { mapper.fail(e, Usage.NONE, (type, data) -> Sse.appendEvent(out, type, data)); }
    }

    // ---- stored responses --------------------------------------------------------------------------

    private void retrieve(RoutingContext ctx) {
        Exchange ex = edge.authenticated(ctx, STORED, STYLE);
        if (ex == null) return;
        if ("true".equals(ctx.request().getParam("stream"))) {
            edge.fail(ex, ctx.response(), GatewayError.unsupported("Streaming a stored response is not supported (no background mode).", "stream"), STYLE);
            return;
        }
        String id = ctx.pathParam("id");
        stored(ex, ctx, id, s -> Json.parse(s.response()));
    }

    private void delete(RoutingContext ctx) {
        Exchange ex = edge.authenticated(ctx, STORED, STYLE);
        if (ex == null) return;
        String id = ctx.pathParam("id");
        store.delete(ex, id).onComplete(ar -> {
            if (ar.failed()) edge.fail(ex, ctx.response(), ar.cause(), STYLE);
            else if (!ar.result()) edge.fail(ex, ctx.response(), notFound(id), STYLE);
            else edge.write(ex, ctx.response(), Json.writeBuffer(Json.object().put("id", id).put("object", "response").put("deleted", true)));
        });
    }

    /** Responses are never in the background here, so none can be cancelled. */
    private void cancel(RoutingContext ctx) {
        Exchange ex = edge.authenticated(ctx, STORED, STYLE);
        if (ex == null) return;
        edge.fail(ex, ctx.response(), GatewayError.invalidRequest("Only background responses can be cancelled, and background mode is not supported.",
                null), STYLE);
    }

    /** The input items sent to the model for the response (earlier turns included), as OpenAI's cursor page. */
    private void inputItems(RoutingContext ctx) {
        Exchange ex = edge.authenticated(ctx, STORED, STYLE);
        if (ex == null) return;
        String id = ctx.pathParam("id");
        int limit;
        String order = ctx.request().getParam("order", "desc");
        String after = ctx.request().getParam("after");
        try {
            limit = Integer.parseInt(ctx.request().getParam("limit", "20"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            edge.fail(ex, ctx.response(), GatewayError.invalidRequest("'limit' must be an integer from 1 to 100.", "limit"), STYLE);
            return;
        }
        if (!order.equals("asc") && !order.equals("desc")) {
            edge.fail(ex, ctx.response(), GatewayError.invalidRequest("'order' must be asc or desc.", "order"), STYLE);
            return;
        }
        int max = limit;
        stored(ex, ctx, id, s -> page(Json.parse(s.inputItems()), order.equals("desc"), after, max));
    }

    static ObjectNode page(JsonNode items, boolean newestFirst, String after, int limit) {
        List<JsonNode> all = new ArrayList<>();
        items.forEach(all::add);
        if (newestFirst) Collections.reverse(all);
        int from = 0;
        if (after != null) {
            from = -1;
            for (int i = 0; i < all.size(); i++) if (after.equals(all.get(i).path("id").asText())) from = i + 1;
            if (from < 0) throw GatewayError.invalidRequest("No input item with id '" + after + "'.", "after");
        }
        List<JsonNode> data = all.subList(from, Math.min(all.size(), from + limit));
        ObjectNode page = Json.object().put("object", "list");
        ArrayNode arr = page.putArray("data");
        data.forEach(arr::add);
        if (data.isEmpty()) page.putNull("first_id").putNull("last_id");
        else page.put("first_id", data.get(0).path("id").asText()).put("last_id", data.get(data.size() - 1).path("id").asText());
        return page.put("has_more", from + data.size() < all.size());
    }

    private interface Render {
        JsonNode render(ResponseStore.Stored s) throws Exception;
    }

    /** Answers with what {@code render} makes of the team's stored response, or 404. */
    private void stored(Exchange ex, RoutingContext ctx, String id, Render render) {
        store.find(ex, id).onComplete(ar -> {
            try {
                if (ar.failed()) throw ar.cause();
                if (ar.result() == null) throw notFound(id);
                edge.write(ex, ctx.response(), Json.writeBuffer(render.render(ar.result())));
            } catch (Throwable e) {
                edge.fail(ex, ctx.response(), e, STYLE);
            }
        });
    }

    private static GatewayError notFound(String id) {
        return new GatewayError(404, "invalid_request_error", null, null, "Response with id '" + id + "' not found.");
    }
}
