package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.api.messages.MessagesErrors;
import dev.frugal.api.messages.MessagesRequestMapper;
import dev.frugal.api.messages.MessagesResponseMapper;
import dev.frugal.api.messages.MessagesStreamMapper;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.Answer;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.wire.Json;
import dev.frugal.wire.Sse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Anthropic's Messages API at {@code POST /v1/messages}, so Anthropic SDK clients can use the
 * gateway too: the request is translated into an OpenAI chat request and goes through the same
 * pipeline as {@code /v1/chat/completions} (same keys, limits, routing to any backend, metering);
 * the answer and stream events are translated back. Keys come as {@code x-api-key} (the SDKs'
 * default) or {@code Authorization: Bearer}; errors are in Anthropic's shape with the same
 * statuses. Thin: the translation is in {@code dev.frugal.api.messages}. Event loop only.
 */
@Singleton
public class MessagesRoutes {
    static final HttpEdge.Style STYLE = new HttpEdge.Style(true, "request-id", MessagesRoutes::error);

    @Inject Gateway gateway;
    @Inject HttpEdge edge;

    void register(@Observes Router router) {
        edge.post(router, "/v1/messages", "messages", STYLE, this::messages);
        edge.post(router, "/v1/messages/count_tokens", "count_tokens", STYLE, this::countTokens);
    }

    /**
     * {@code {"input_tokens":N}} for a Messages request (without its {@code max_tokens}, which
     * count_tokens requests leave out): no upstream call, not billed, no ledger row (decision 0019).
     */
    private void countTokens(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        refuseThreads(body);
        ObjectNode counted = body.deepCopy();
        if (!counted.hasNonNull("max_tokens")) counted.put("max_tokens", 1);
        counted.remove("stream");
        MessagesRequestMapper.Translated t = MessagesRequestMapper.toOpenAi(counted);
        gateway.countTokens(ex, t.openAi()).onComplete(ar -> {
            if (ar.failed()) edge.fail(ex, resp, ar.cause(), STYLE);
            else edge.write(ex, resp, Json.writeBuffer(Json.object().put("input_tokens", ar.result())));
        });
    }

    /**
     * Server-side threads (the {@code thread} field the Anthropic SDK's beta tool runner may send)
     * are not kept here: a 400 {@code invalid_request_error} that names the field, so the client
     * sends the whole conversation in {@code messages} instead (docs/responses.md).
     */
    private static void refuseThreads(ObjectNode body) {
        if (body.hasNonNull("thread") || body.hasNonNull("thread_id")) {
            throw GatewayError.unsupported("Server-side threads are not supported by this gateway; send the whole conversation in 'messages'.",
                    body.hasNonNull("thread") ? "thread" : "thread_id");
        }
    }

    private void messages(Exchange ex, ObjectNode body, HttpServerResponse resp) {
        refuseThreads(body);
        MessagesRequestMapper.Translated t = MessagesRequestMapper.toOpenAi(body);
        // a stream asks for include_usage: the usage chunk feeds message_delta's usage
        gateway.chat(ex, t.openAi()).onComplete(ar -> edge.answer(ex, resp, ar, STYLE, w -> message(w, t.model()), new Events(t.model())));
    }

    /** A whole OpenAI answer as Anthropic's message. */
    private static Buffer message(Answer.Whole w, String model) {
        JsonNode completion;
        try {
            completion = Json.parse(w.body());
        } catch (Exception e) { // adapters answer JSON they made or checked; this is a gateway bug
            throw new IllegalStateException("the upstream's answer is not JSON", e);
        }
        // decision 0018: the model the upstream says answered, as chat and responses report it
        String served = completion.path("model").asText("");
        return Json.writeBuffer(MessagesResponseMapper.toAnthropic(completion, served.isEmpty() ? model : served, w.usage()));
    }

    private static void error(HttpServerResponse resp, GatewayError e) {
        Responses.error(resp, e, Json.writeBuffer(MessagesErrors.body(e, resp.headers().get(Responses.REQUEST_ID))));
    }

    /** Anthropic's named SSE events for one stream; not thread-safe. */
    private static final class Events implements StreamWriter.Format {
        private final MessagesStreamMapper mapper;

        Events(String model) { this.mapper = new MessagesStreamMapper(model); }

        @Override public void chunk(String json, Buffer out) { mapper.chunk(json, (name, data) -> Sse.appendEvent(out, name, data)); }

        @Override public void end(Usage usage, Buffer out) { mapper.end(usage, (name, data) -> Sse.appendEvent(out, name, data)); }

        /** Mid-stream failures as Anthropic sends them: {@code event: error}, then the stream ends. */
        @Override public void error(GatewayError e, Buffer out) { Sse.appendEvent(out, "error", Json.write(MessagesErrors.body(e, null))); }
    }
}
