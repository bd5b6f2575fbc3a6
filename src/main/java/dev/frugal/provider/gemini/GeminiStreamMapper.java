package dev.frugal.provider.gemini;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the events of one Gemini stream (each a whole {@code GenerateContentResponse},
 * provider-protocols.md §5.6) into OpenAI {@code chat.completion.chunk}s, following the rule for
 * synthesized streams of §1.6: a role chunk first; text as {@code content} deltas and thought parts
 * as {@code reasoning_content} deltas; each {@code functionCall} (Gemini sends them whole) as a
 * start fragment with id, name and empty arguments, then one fragment with the arguments, at tool
 * indexes 0, 1, … over the whole stream; at the end the finish chunk (a {@code STOP} after
 * function calls becomes {@code tool_calls}) and, if the client asked, the usage chunk built from
 * the last {@code usageMetadata} seen. Gemini sends no {@code [DONE]}; the end of the body ends it.
 *
 * <p>Only the first candidate is streamed: the request mapper rejects {@code n > 1}.
 *
 * <p>Pure (time and ids are passed in); one instance per stream, not thread-safe.
 */
final class GeminiStreamMapper {

    /** What one upstream document means for the relay. */
    sealed interface Step permits Chunks, Failed {}

    /** OpenAI chunks to emit, in order (possibly none). */
    record Chunks(List<String> json) implements Step {}

    /** The upstream reported an error in the stream. */
    record Failed(UpstreamFailure failure) implements Step {}

    private static final Chunks NOTHING = new Chunks(List.of());

    private final String provider;
    private final Credentials secret;
    private final String requestedModel;
    private final long created;
    private final IdSource ids;
    private final boolean clientWantsUsage;
    private String id;
    private String model;
    private boolean started;
    private boolean failed;
    private int nextToolIndex;
    private String finishReason;
    private boolean sawFinish;
    private boolean blocked;
    private Usage usage = Usage.NONE;

    GeminiStreamMapper(String provider, Credentials secret, String requestedModel, long created, IdSource ids, boolean clientWantsUsage) {
        this.provider = provider;
        this.secret = secret;
        this.requestedModel = requestedModel;
        this.created = created;
        this.ids = ids;
        this.clientWantsUsage = clientWantsUsage;
    }

    /** Maps one JSON document of the stream. */
    Step map(String json) {
        if (failed) return NOTHING;
        String trimmed = json.strip();
        if (trimmed.isEmpty()) return NOTHING;
        JsonNode node;
        try {
            node = Json.parse(trimmed);
        } catch (Exception e) {
            return fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not JSON."));
        }
        if (GeminiErrorMapper.isError(node)) return fail(GeminiErrorMapper.inBand(provider, node, secret));
        if (!node.isObject()) {
            return fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not a JSON object."));
        }
        Usage u = GeminiUsage.toCore(node);
        if (u != null) usage = u;
        if (id == null) {
            id = textOr(node, "responseId", ids.completionId());
            model = textOr(node, "modelVersion", requestedModel);
        }
        List<String> out = new ArrayList<>(3);
        JsonNode candidate = node.path("candidates").path(0);
        if (!candidate.isObject()) {
            if (!textOr(node.path("promptFeedback"), "blockReason", "").isEmpty()) {
                blocked = true; // the prompt was blocked: no candidates at all (§5.4)
                sawFinish = true;
            }
            if (!started) start(out, false);
            return new Chunks(out);
        }
        JsonNode parts = candidate.path("content").path("parts");
        if (!started) start(out, GeminiParts.isFunctionCall(parts.path(0)));
        ObjectNode logprobs = GeminiParts.logprobs(candidate);
        for (JsonNode part : parts) {
            if (GeminiParts.isFunctionCall(part)) {
                toolCall(out, GeminiParts.toolCall(part, ids));
                continue;
            }
            String text = GeminiParts.text(part);
            if (text == null || text.isEmpty()) continue;
            ObjectNode delta = Json.object().put(GeminiParts.isThought(part) ? "reasoning_content" : "content", text);
            out.add(chunk(delta, GeminiParts.isThought(part) ? null : logprobs, null));
            if (!GeminiParts.isThought(part)) logprobs = null; // an event's logprobs go with its first text
        }
        String reason = textOr(candidate, "finishReason", "");
        if (!reason.isEmpty()) {
            finishReason = reason;
            sawFinish = true;
        }
        return new Chunks(out);
    }

    /**
     * Called when the upstream body ended: the finish chunk and the usage chunk (if asked for).
     *
     * @throws UpstreamFailure (PROTOCOL) when the body was cut mid-event or ended before Gemini's final event
     */
    List<String> atEnd(boolean incompleteEvent) {
        if (incompleteEvent) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' was cut off in the middle of an event.");
        }
        if (!sawFinish) {
            // Gemini puts finishReason on its last event; without one the body was cut between events.
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' ended before it was complete.");
        }
        List<String> out = new ArrayList<>(2);
        String finish = blocked ? "content_filter" : GeminiFinishReasons.toOpenAi(finishReason, nextToolIndex > 0);
        out.add(chunk(Json.object(), null, finish));
        if (clientWantsUsage) {
            ObjectNode c = header();
            c.putArray("choices");
            c.set("usage", GeminiUsage.toOpenAi(usage));
            out.add(Json.write(c));
        }
        return out;
    }

    /** The last usage Gemini reported ({@link Usage#NONE} before any). */
    Usage usage() { return usage; }

    private Step fail(UpstreamFailure f) {
        failed = true;
        return new Failed(f);
    }

    /** The role chunk; its content is null when the answer opens with a tool call, as OpenAI streams do (§1.6). */
    private void start(List<String> out, boolean opensWithToolCall) {
        started = true;
        ObjectNode delta = Json.object().put("role", "assistant");
        if (opensWithToolCall) delta.putNull("content");
        else delta.put("content", "");
        out.add(chunk(delta, null, null));
    }

    private void toolCall(List<String> out, ObjectNode call) {
        int index = nextToolIndex++;
        ObjectNode function = (ObjectNode) call.get("function");
        String arguments = function.get("arguments").asText();
        ObjectNode startFragment = Json.object().put("index", index).put("id", call.get("id").asText()).put("type", "function");
        startFragment.putObject("function").put("name", function.get("name").asText()).put("arguments", "");
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(startFragment);
        out.add(chunk(delta, null, null));
        ObjectNode argsDelta = Json.object();
        argsDelta.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", arguments);
        out.add(chunk(argsDelta, null, null));
    }

    private ObjectNode header() {
        if (id == null) {
            id = ids.completionId();
            model = requestedModel;
        }
        ObjectNode c = Json.object();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return c;
    }

    private String chunk(ObjectNode delta, ObjectNode logprobs, String finish) {
        ObjectNode c = header();
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (logprobs != null) choice.set("logprobs", logprobs);
        else choice.putNull("logprobs");
        if (finish != null) choice.put("finish_reason", finish);
        else choice.putNull("finish_reason");
        return Json.write(c);
    }

    private static String textOr(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : fallback;
    }
}
