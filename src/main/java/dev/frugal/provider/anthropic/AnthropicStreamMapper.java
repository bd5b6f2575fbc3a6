package dev.frugal.provider.anthropic;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the SSE events of one Anthropic stream into OpenAI {@code chat.completion.chunk} JSON
 * (provider-protocols.md §4.7): a role chunk first, text and thinking deltas as they come, one
 * tool-call start fragment ({@code id}, {@code type}, {@code name}, {@code arguments:""}) before a
 * call's argument pieces, the finish chunk on {@code message_stop}, then the usage chunk only
 * when the client asked for it. Usage is kept either way so the gateway can meter it.
 *
 * <p>OpenAI's tool-call {@code index} counts the client's tool calls from 0; Anthropic's block
 * {@code index} counts every content block (text and thinking included), so the two are mapped.
 *
 * <p>One instance per stream; not thread-safe. Pure: the creation time is passed in.
 */
final class AnthropicStreamMapper {

    /** What one upstream event means for the relay. */
    sealed interface Step permits Emit, Failed {}

    /** Chunks to pass on, in order (often none). */
    record Emit(List<String> chunks) implements Step {}

    /** The stream failed: an {@code error} event, or an event that is not the protocol. */
    record Failed(UpstreamFailure failure) implements Step {}

    private static final Emit NOTHING = new Emit(List.of());

    /** What a content block becomes on the OpenAI side. */
    private enum BlockKind { TEXT, TOOL, JSON_ANSWER, THINKING, IGNORED }

    private record Block(BlockKind kind, int toolIndex) {}

    private final String provider;
    private final Credentials secret;
    private final long created;
    private final boolean jsonMode;
    private final boolean keepThinking;
    private final boolean clientWantsUsage;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private AnthropicUsage usage = AnthropicUsage.NONE;
    private String prefix; // chunk JSON up to the delta, fixed once the id and model are known
    private String id = "";
    private String model = "";
    private int toolCalls;
    private String stopReason;
    private boolean started;
    private boolean stopped;
    private boolean failed;

    /**
     * @param created      Unix seconds stamped on every chunk
     * @param jsonMode     the request asked for JSON through the {@code json_response} tool, whose input is the content
     * @param keepThinking thinking deltas are passed on as {@code delta.reasoning_content}
     */
    AnthropicStreamMapper(String provider, Credentials secret, long created, boolean jsonMode, boolean keepThinking,
                          boolean clientWantsUsage) {
        this.provider = provider;
        this.secret = secret;
        this.created = created;
        this.jsonMode = jsonMode;
        this.keepThinking = keepThinking;
        this.clientWantsUsage = clientWantsUsage;
    }

    Step map(String event, String data) {
        if (stopped || failed) return NOTHING;
        String trimmed = data.strip();
        if (trimmed.isEmpty()) return NOTHING;
        JsonNode node;
        try {
            node = Json.parse(trimmed);
        } catch (Exception e) {
            return fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not JSON."));
        }
        if (!node.isObject()) {
            return fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not a JSON object."));
        }
        String type = node.path("type").asText(event == null ? "" : event);
        return switch (type) {
            case "message_start" -> messageStart(node.path("message"));
            case "content_block_start" -> blockStart(node.path("index").asInt(), node.path("content_block"));
            case "content_block_delta" -> blockDelta(node.path("index").asInt(), node.path("delta"));
            case "message_delta" -> {
                String reason = node.path("delta").path("stop_reason").textValue();
                if (reason != null) stopReason = reason;
                usage = usage.with(node.get("usage"));
                yield NOTHING;
            }
            case "message_stop" -> messageStop();
            case "error" -> fail(AnthropicErrorMapper.inBand(provider, node, secret));
            // ping (keep-alive), content_block_stop (nothing to close on the OpenAI side), and
            // event types added later are ignored, as Anthropic's versioning policy asks.
            default -> NOTHING;
        };
    }

    /**
     * Called when the upstream connection ended cleanly.
     *
     * @throws UpstreamFailure PROTOCOL when the stream was cut off mid-event or before {@code message_stop}
     */
    void atEnd(boolean incompleteEvent) {
        if (failed) return;
        if (incompleteEvent) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' was cut off in the middle of an event.");
        }
        if (!stopped) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' ended before message_stop.");
        }
    }

    /** Usage reported so far, in OpenAI's accounting. */
    Usage usage() { return usage.toCore(); }

    boolean finished() { return stopped; }

    // ---- events --------------------------------------------------------------------------

    private Step messageStart(JsonNode message) {
        if (message.hasNonNull("id")) id = message.get("id").asText();
        if (message.hasNonNull("model")) model = message.get("model").asText();
        prefix = null;
        usage = usage.with(message.get("usage"));
        if (started) return NOTHING;
        return new Emit(List.of(roleChunk()));
    }

    private Step blockStart(int index, JsonNode block) {
        String type = block.path("type").asText();
        String out = null;
        String out2 = null;
        switch (type) {
            case "text" -> {
                blocks.put(index, new Block(BlockKind.TEXT, -1));
                String text = block.path("text").asText("");
                if (!text.isEmpty()) out = delta(Json.object().put("content", text));
            }
            case "thinking" -> {
                blocks.put(index, new Block(BlockKind.THINKING, -1));
                String text = block.path("thinking").asText("");
                if (keepThinking && !text.isEmpty()) out = delta(Json.object().put("reasoning_content", text));
            }
            case "tool_use" -> {
                JsonNode input = block.get("input");
                String initial = input != null && input.isObject() && !input.isEmpty() ? Json.write(input) : null;
                if (jsonMode && AnthropicRequestMapper.JSON_TOOL.equals(block.path("name").asText())) {
                    blocks.put(index, new Block(BlockKind.JSON_ANSWER, -1));
                    if (initial != null) out = delta(Json.object().put("content", initial));
                } else {
                    int toolIndex = toolCalls++;
                    blocks.put(index, new Block(BlockKind.TOOL, toolIndex));
                    ObjectNode call = Json.object().put("index", toolIndex).put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    out = toolDelta(call);
                    if (initial != null) out2 = argumentsDelta(toolIndex, initial);
                }
            }
            // redacted_thinking (encrypted), server_tool_use and *_tool_result (run on Anthropic's
            // side; as tool_calls the client would try to run them): nothing for the client.
            default -> blocks.put(index, new Block(BlockKind.IGNORED, -1));
        }
        return emit(out, out2);
    }

    private Step blockDelta(int index, JsonNode delta) {
        Block block = blocks.get(index);
        if (block == null) {
            return fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a delta for content block " + index + " before its start."));
        }
        String out = null;
        switch (delta.path("type").asText()) {
            case "text_delta" -> {
                String text = delta.path("text").asText("");
                if (block.kind() == BlockKind.TEXT && !text.isEmpty()) out = delta(Json.object().put("content", text));
            }
            case "input_json_delta" -> {
                String piece = delta.path("partial_json").asText("");
                if (piece.isEmpty()) break; // Anthropic may open with an empty fragment
                if (block.kind() == BlockKind.TOOL) out = argumentsDelta(block.toolIndex(), piece);
                else if (block.kind() == BlockKind.JSON_ANSWER) out = delta(Json.object().put("content", piece));
            }
            case "thinking_delta" -> {
                String text = delta.path("thinking").asText("");
                if (keepThinking && block.kind() == BlockKind.THINKING && !text.isEmpty()) {
                    out = delta(Json.object().put("reasoning_content", text));
                }
            }
            // signature_delta: only needed to send thinking back, which OpenAI clients cannot do;
            // citations_delta: OpenAI has no place for Anthropic citations.
            default -> { }
        }
        return emit(out, null);
    }

    private Step messageStop() {
        stopped = true;
        String finish = AnthropicResponseMapper.finishReason(stopReason, toolCalls > 0);
        String finishChunk = prefix() + "{},\"logprobs\":null,\"finish_reason\":" + TextNode.valueOf(finish) + "}]}";
        if (!clientWantsUsage) return emit(started ? null : roleChunk(), finishChunk);
        ObjectNode u = Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        u.putArray("choices");
        u.set("usage", usage.toOpenAi());
        return started ? new Emit(List.of(finishChunk, Json.write(u))) : new Emit(List.of(roleChunk(), finishChunk, Json.write(u)));
    }

    private Step fail(UpstreamFailure f) {
        failed = true;
        return new Failed(f);
    }

    // ---- chunk writing -------------------------------------------------------------------

    private Emit emit(String a, String b) {
        if (a == null && b == null) return NOTHING;
        // A block before message_start breaks Anthropic's order; the client still gets its role chunk first.
        String role = started ? null : roleChunk();
        if (role == null) return b == null ? new Emit(List.of(a)) : a == null ? new Emit(List.of(b)) : new Emit(List.of(a, b));
        if (a == null) return new Emit(List.of(role, b));
        return b == null ? new Emit(List.of(role, a)) : new Emit(List.of(role, a, b));
    }

    private String roleChunk() {
        started = true;
        return delta(Json.object().put("role", "assistant").put("content", ""));
    }

    private String toolDelta(ObjectNode call) {
        ObjectNode d = Json.object();
        d.putArray("tool_calls").add(call);
        return delta(d);
    }

    private String argumentsDelta(int toolIndex, String piece) {
        ObjectNode call = Json.object().put("index", toolIndex);
        call.putObject("function").put("arguments", piece);
        return toolDelta(call);
    }

    private String delta(ObjectNode delta) {
        return prefix() + Json.write(delta) + ",\"logprobs\":null,\"finish_reason\":null}]}";
    }

    private String prefix() {
        if (prefix == null) {
            prefix = "{\"id\":" + TextNode.valueOf(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
                    + ",\"model\":" + TextNode.valueOf(model) + ",\"choices\":[{\"index\":0,\"delta\":";
        }
        return prefix;
    }
}
