package dev.frugal.provider.ollama;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.ThinkSplitter;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Translates the NDJSON lines of one Ollama {@code /api/chat} stream into OpenAI
 * {@code chat.completion.chunk}s (provider-protocols.md §1.6 "synthesized streams", §6.2): a role
 * chunk first, then a delta per line that carries something ({@code thinking} →
 * {@code reasoning_content}, {@code content}, whole tool calls with their arguments object turned
 * into a string and ids generated where missing), then on the {@code done:true} line the finish
 * chunk ({@code stop} becomes {@code tool_calls} once calls were seen) and, only if the client
 * asked, a usage chunk. An {@code {"error":…}} line fails the stream in-band; a stream that ends
 * without {@code done:true} was cut off.
 *
 * <p>Pure (ids and the created time are passed in); one instance per stream, not thread-safe.
 */
final class OllamaStreamMapper {
    private final String provider;
    private final Credentials secret;
    private final String id;
    private final long created;
    private final boolean clientWantsUsage;
    private final Supplier<String> callIds;
    private String model = "";
    private boolean started;
    private boolean done;
    private int toolCalls;
    private Usage usage = Usage.NONE;
    /** Splits {@code <think>} out of content for servers that leave it there; dropped once the server shows it separates reasoning itself. */
    private ThinkSplitter splitter;

    /**
     * @param id      the completion id every chunk carries ({@code chatcmpl-…})
     * @param created Unix seconds, the same on every chunk
     * @param callIds ids for tool calls that arrive without one
     */
    OllamaStreamMapper(String provider, Credentials secret, String id, long created, boolean clientWantsUsage, Supplier<String> callIds,
                       ModelConfig.Deployment deployment) {
        this.splitter = ThinkSplitter.of(deployment);
        this.provider = provider;
        this.secret = secret;
        this.id = id;
        this.created = created;
        this.clientWantsUsage = clientWantsUsage;
        this.callIds = callIds;
    }

    /**
     * The chunks one line becomes (possibly none).
     *
     * @throws UpstreamFailure for an error line or a line that is not a JSON object
     */
    List<String> map(String line) {
        if (done) return List.of();
        JsonNode node;
        try {
            node = Json.parse(line);
        } catch (Exception e) {
            throw OllamaResponseMapper.protocol(provider, "sent a stream line that is not JSON");
        }
        if (!node.isObject()) throw OllamaResponseMapper.protocol(provider, "sent a stream line that is not a JSON object");
        if (node.has("error")) throw OllamaErrorMapper.inBand(provider, node.get("error"), secret);
        List<String> out = new ArrayList<>(3);
        if (!started) {
            started = true;
            model = node.path("model").asText("");
            out.add(chunk(Json.object().put("role", "assistant").put("content", ""), null));
        }
        JsonNode msg = node.path("message");
        ObjectNode delta = Json.object();
        String thinking = msg.path("thinking").asText("");
        if (!thinking.isEmpty()) {
            delta.put("reasoning_content", thinking);
            if (splitter != null && splitter.settled()) splitter = null; // the server separates reasoning itself
        }
        String content = msg.path("content").asText("");
        boolean last = node.path("done").asBoolean(false);
        if (splitter != null) {
            ThinkSplitter.Parts p = splitter.feed(content);
            if (last) p = join(p, splitter.finish());
            if (p.hasReasoning()) delta.put("reasoning_content", delta.path("reasoning_content").asText("") + p.reasoning());
            content = p.content();
        }
        if (!content.isEmpty()) delta.put("content", content);
        ArrayNode calls = OllamaResponseMapper.toolCalls(msg.get("tool_calls"), toolCalls, callIds);
        if (calls != null) {
            toolCalls += calls.size();
            delta.set("tool_calls", calls);
        }
        if (!delta.isEmpty()) out.add(chunk(delta, null));
        if (node.path("done").asBoolean(false)) {
            done = true;
            usage = OllamaResponseMapper.usage(node);
            out.add(chunk(Json.object(), OllamaResponseMapper.finishReason(node.path("done_reason").asText(null), toolCalls > 0)));
            if (clientWantsUsage) {
                ObjectNode u = header();
                u.putArray("choices");
                u.set("usage", OllamaResponseMapper.usageJson(usage));
                out.add(Json.write(u));
            }
        }
        return out;
    }

    /**
     * The last line, which the stream ended without a line feed: a whole object (a server may omit
     * the final line feed) is mapped like any line; anything else means the stream was cut off.
     */
    List<String> mapUnterminated(String line) {
        try {
            Json.parse(line);
        } catch (Exception cut) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' was cut off in the middle of a line.");
        }
        return map(line);
    }

    /** Called when the upstream connection ended cleanly. @throws UpstreamFailure if the final line never came */
    void atEnd() {
        if (!done) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' ended before it was complete.");
        }
    }

    private static ThinkSplitter.Parts join(ThinkSplitter.Parts a, ThinkSplitter.Parts b) {
        return new ThinkSplitter.Parts(a.reasoning() + b.reasoning(), a.content() + b.content());
    }

    /** Usage from the final line; {@link Usage#NONE} until it arrived. */
    Usage usage() { return usage; }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = header();
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return Json.write(c);
    }

    private ObjectNode header() {
        return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }
}
