package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.ThinkSplitter;
import dev.frugal.core.Usage;
import dev.frugal.provider.Embeddings;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Translates Ollama's native answers into OpenAI's (provider-protocols.md §6.2, §6.3, Appendices
 * A and B): a whole {@code /api/chat} answer into a {@code chat.completion}, an {@code /api/embed}
 * answer into vectors. Also holds the pieces the stream mapper shares. Pure: ids and the created
 * time are passed in.
 *
 * <p>{@code message.thinking} becomes {@code reasoning_content}. Reasoning an older server leaves
 * inside {@code <think>} tags in {@code content} is split out per the deployment's {@code reasoning} mode.
 */
final class OllamaResponseMapper {
    private OllamaResponseMapper() {}

    /**
     * @param id      the completion id to give the answer ({@code chatcmpl-…}; Ollama has none)
     * @param created Unix seconds
     * @param callIds ids for tool calls that arrive without one (older Ollama versions)
     */
    static ObjectNode toOpenAi(JsonNode answer, String provider, String id, long created, Supplier<String> callIds,
                               ModelConfig.Deployment deployment) {
        if (!answer.isObject() || !answer.has("message")) {
            throw protocol(provider, "answered /api/chat without a 'message'");
        }
        JsonNode msg = answer.get("message");
        ArrayNode calls = toolCalls(msg.get("tool_calls"), 0, callIds);
        ObjectNode out = Json.object();
        out.put("id", id).put("object", "chat.completion").put("created", created).put("model", answer.path("model").asText(""));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        String content = msg.path("content").asText("");
        String thinking = msg.path("thinking").asText("");
        if (thinking.isEmpty()) { // an older server leaves reasoning inside <think> tags in the content
            ThinkSplitter.Parts p = ThinkSplitter.split(content, deployment);
            thinking = p.reasoning();
            content = p.content();
        }
        if (content.isEmpty() && calls != null) message.putNull("content");
        else message.put("content", content);
        message.putNull("refusal");
        if (!thinking.isEmpty()) message.put("reasoning_content", thinking);
        if (calls != null) message.set("tool_calls", calls);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer.path("done_reason").asText(null), calls != null));
        out.set("usage", usageJson(usage(answer)));
        return out;
    }

    /** OpenAI's finish reason for Ollama's {@code done_reason} (Appendix A): {@code stop} becomes {@code tool_calls} after calls. */
    static String finishReason(String doneReason, boolean sawToolCalls) {
        if ("length".equals(doneReason)) return "length";
        return sawToolCalls ? "tool_calls" : "stop";
    }

    /** Ollama leaves zero counts out ({@code omitempty}), so absent means 0 (Appendix B). */
    static Usage usage(JsonNode answer) {
        return new Usage(answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0), 0, 0);
    }

    static ObjectNode usageJson(Usage u) {
        return Json.object().put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.totalTokens());
    }

    /**
     * Ollama's whole tool calls as OpenAI's: {@code arguments} object → JSON string, a generated id
     * where none came, consecutive {@code index} values from {@code firstIndex}. Null when there are none.
     */
    static ArrayNode toolCalls(JsonNode calls, int firstIndex, Supplier<String> callIds) {
        if (calls == null || !calls.isArray() || calls.isEmpty()) return null;
        ArrayNode out = Json.nodes().arrayNode();
        int index = firstIndex;
        for (JsonNode c : calls) {
            JsonNode fn = c.path("function");
            String id = c.path("id").asText("");
            JsonNode args = fn.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : Json.write(args);
            ObjectNode call = out.addObject().put("index", index++).put("id", id.isEmpty() ? callIds.get() : id).put("type", "function");
            call.putObject("function").put("name", fn.path("name").asText("")).put("arguments", arguments);
        }
        return out;
    }

    /** The vectors of an {@code /api/embed} answer, which must hold one per input. */
    static Embeddings embeddings(JsonNode answer, int inputs, String provider) {
        JsonNode vectors = answer.path("embeddings");
        if (!vectors.isArray()) throw protocol(provider, "answered /api/embed without 'embeddings'");
        if (vectors.size() != inputs) {
            throw protocol(provider, "answered " + vectors.size() + " embeddings for " + inputs + " inputs");
        }
        List<float[]> out = new ArrayList<>(inputs);
        for (JsonNode e : vectors) {
            if (!e.isArray()) throw protocol(provider, "answered an embedding that is not an array");
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) e.get(i).asDouble();
            out.add(v);
        }
        return new Embeddings(out, new Usage(answer.path("prompt_eval_count").asLong(0), 0, 0, 0));
    }

    static UpstreamFailure protocol(String provider, String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + provider + "' " + what + ".");
    }
}
