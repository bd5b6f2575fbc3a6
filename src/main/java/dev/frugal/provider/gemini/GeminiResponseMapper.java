package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

/**
 * Translates a Gemini {@code GenerateContentResponse} into an OpenAI {@code chat.completion} body
 * (provider-protocols.md §5.4, §5.5). Pure: the creation time and the ids it must invent are
 * passed in.
 */
final class GeminiResponseMapper {
    private GeminiResponseMapper() {}

    /**
     * The OpenAI body for {@code response}.
     *
     * @param provider       the provider's name, for error messages
     * @param requestedModel the deployment's model, used when the response names no {@code modelVersion}
     * @param created        Unix seconds for {@code created}
     * @throws UpstreamFailure (PROTOCOL) when the body is neither an answer nor a blocked prompt
     */
    static ObjectNode toOpenAi(String provider, JsonNode response, String requestedModel, long created, IdSource ids) {
        ObjectNode out = Json.object();
        out.put("id", nonEmpty(response, "responseId", null) != null ? response.get("responseId").asText() : ids.completionId());
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", nonEmpty(response, "modelVersion", requestedModel));
        ArrayNode choices = out.putArray("choices");
        JsonNode candidates = response.get("candidates");
        if (candidates != null && candidates.isArray() && !candidates.isEmpty()) {
            for (int i = 0; i < candidates.size(); i++) choices.add(choice(candidates.get(i), i, ids));
        } else if (nonEmpty(response.path("promptFeedback"), "blockReason", null) != null) {
            // The prompt itself was blocked: 200 with no candidates (§5.4). One empty, filtered choice.
            ObjectNode choice = choices.addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").putNull("content").putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", "content_filter");
        } else {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' answered HTTP 200 with neither candidates nor a blocked prompt.");
        }
        Usage usage = GeminiUsage.toCore(response);
        if (usage != null) out.set("usage", GeminiUsage.toOpenAi(usage));
        return out;
    }

    private static ObjectNode choice(JsonNode candidate, int position, IdSource ids) {
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        ArrayNode calls = Json.nodes().arrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (GeminiParts.isFunctionCall(part)) {
                calls.add(GeminiParts.toolCall(part, ids));
                continue;
            }
            String t = GeminiParts.text(part);
            if (t == null) continue; // inline images, code execution: nothing in OpenAI's chat message holds them
            (GeminiParts.isThought(part) ? thoughts : text).append(t);
        }
        ObjectNode choice = Json.object().put("index", candidate.path("index").asInt(position));
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (text.length() > 0) message.put("content", text.toString());
        else message.putNull("content");
        message.putNull("refusal");
        if (thoughts.length() > 0) message.put("reasoning_content", thoughts.toString());
        if (!calls.isEmpty()) message.set("tool_calls", calls);
        ObjectNode logprobs = GeminiParts.logprobs(candidate);
        if (logprobs != null) choice.set("logprobs", logprobs);
        else choice.putNull("logprobs");
        choice.put("finish_reason", GeminiFinishReasons.toOpenAi(nonEmpty(candidate, "finishReason", null), !calls.isEmpty()));
        return choice;
    }

    private static String nonEmpty(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : fallback;
    }
}
