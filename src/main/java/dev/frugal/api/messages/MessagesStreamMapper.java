package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the OpenAI chunks of one stream into Anthropic's stream events (provider-protocols.md
 * §4.7, read in the other direction): {@code message_start}; per content block
 * {@code content_block_start}, {@code content_block_delta} ({@code thinking_delta} from
 * {@code reasoning_content}, {@code text_delta} from {@code content}, {@code input_json_delta}
 * from tool-call argument fragments) and {@code content_block_stop}; then {@code message_delta}
 * with the stop reason and usage, and {@code message_stop}.
 *
 * <p>Anthropic streams one block at a time, and a closed block never reopens. OpenAI servers may
 * interleave the argument fragments of parallel tool calls (§1.6), so only one tool block streams
 * live: a tool call that starts while another is open is gathered, and written as a whole block
 * when the open one ends (at the end of the message, or when text follows). A client cannot run a
 * tool before the message ends anyway, so nothing is lost but a little incrementality.
 *
 * <p>Only the first choice is translated: the Messages API has no {@code n}. Pure; one instance
 * per stream, not thread-safe.
 */
public final class MessagesStreamMapper {

    /** Receives the events, in order. */
    public interface Sink {
        void event(String name, String json);
    }

    private enum Block { NONE, THINKING, TEXT, TOOL }

    /** A tool call written later, as a whole block. */
    private record Pending(String id, String name, StringBuilder arguments) {}

    private final String model;
    private boolean started;
    private int nextIndex;
    private Block open = Block.NONE;
    /** The OpenAI tool index of the open tool block. */
    private int openTool = -1;
    /** OpenAI tool index → Anthropic block index, for tool blocks already written. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private String finishReason;
    private boolean sawToolCalls;

    /** @param model the model name the client asked for, in {@code message_start} when the upstream names none */
    public MessagesStreamMapper(String model) {
        this.model = model;
    }

    /** Maps one OpenAI chunk; a chunk that is not JSON is ignored (adapters never send one). */
    public void chunk(String json, Sink out) {
        JsonNode chunk;
        try {
            chunk = Json.parse(json);
        } catch (Exception e) {
            return;
        }
        if (!started) start(chunk, out);
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) continue;
            JsonNode delta = choice.path("delta");
            String reasoning = delta.path("reasoning_content").asText("");
            if (!reasoning.isEmpty()) text(Block.THINKING, "thinking_delta", "thinking", reasoning, out);
            String content = delta.path("content").asText("");
            if (content.isEmpty()) content = delta.path("refusal").asText("");
            if (!content.isEmpty()) text(Block.TEXT, "text_delta", "text", content, out);
            for (JsonNode call : delta.path("tool_calls")) tool(call, out);
            JsonNode fr = choice.get("finish_reason");
            if (fr != null && fr.isTextual()) finishReason = fr.asText();
        }
    }

    /**
     * The upstream ended cleanly: closes the blocks and the message.
     *
     * @param usage what the gateway metered for the stream
     */
    public void end(Usage usage, Sink out) {
        if (!started) start(Json.object(), out);
        closeOpen(out);
        writePending(out);
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", MessagesResponseMapper.stopReason(finishReason, sawToolCalls)).putNull("stop_sequence");
        delta.set("usage", MessagesResponseMapper.usage(usage));
        out.event("message_delta", Json.write(delta));
        out.event("message_stop", "{\"type\":\"message_stop\"}");
    }

    // ---- pieces --------------------------------------------------------------------------

    private void start(JsonNode chunk, Sink out) {
        started = true;
        ObjectNode ev = Json.object().put("type", "message_start");
        ObjectNode m = ev.putObject("message");
        m.put("id", MessagesResponseMapper.messageId(chunk.path("id").asText(""))).put("type", "message").put("role", "assistant")
                .put("model", chunk.path("model").asText("").isEmpty() ? model : chunk.get("model").asText()); // decision 0018
        m.putArray("content");
        m.putNull("stop_reason").putNull("stop_sequence");
        // The usage is known only at the end (message_delta carries it); Anthropic, too, starts with placeholders.
        m.set("usage", MessagesResponseMapper.usage(Usage.NONE));
        out.event("message_start", Json.write(ev));
    }

    private void text(Block kind, String deltaType, String field, String text, Sink out) {
        if (open != kind) {
            closeOpen(out);
            writePending(out);
            ObjectNode block = Json.object().put("type", kind == Block.THINKING ? "thinking" : "text").put(field, "");
            if (kind == Block.THINKING) block.put("signature", "");
            startBlock(block, kind, out);
        }
        ObjectNode ev = Json.object().put("type", "content_block_delta").put("index", nextIndex - 1);
        ev.putObject("delta").put("type", deltaType).put(field, text);
        out.event("content_block_delta", Json.write(ev));
    }

    private void tool(JsonNode call, Sink out) {
        sawToolCalls = true;
        int k = call.path("index").asInt(0);
        String args = call.path("function").path("arguments").asText("");
        if (open == Block.TOOL && openTool == k) {
            argumentsDelta(nextIndex - 1, args, out);
        } else if (pending.containsKey(k)) {
            pending.get(k).arguments().append(args);
        } else if (toolBlocks.containsKey(k)) {
            // A fragment for a block already closed (text came in between): Anthropic has no way to
            // reopen it; deliver it under its index rather than lose it.
            argumentsDelta(toolBlocks.get(k), args, out);
        } else if (open == Block.TOOL) {
            pending.put(k, new Pending(call.path("id").asText(""), call.path("function").path("name").asText(""), new StringBuilder(args)));
        } else {
            closeOpen(out);
            startTool(k, call.path("id").asText(""), call.path("function").path("name").asText(""), out);
            argumentsDelta(nextIndex - 1, args, out);
        }
    }

    private void startTool(int k, String id, String name, Sink out) {
        ObjectNode block = Json.object().put("type", "tool_use").put("id", id).put("name", name);
        block.putObject("input");
        startBlock(block, Block.TOOL, out);
        openTool = k;
        toolBlocks.put(k, nextIndex - 1);
    }

    private void argumentsDelta(int index, String partialJson, Sink out) {
        if (partialJson.isEmpty()) return;
        ObjectNode ev = Json.object().put("type", "content_block_delta").put("index", index);
        ev.putObject("delta").put("type", "input_json_delta").put("partial_json", partialJson);
        out.event("content_block_delta", Json.write(ev));
    }

    private void startBlock(ObjectNode block, Block kind, Sink out) {
        ObjectNode ev = Json.object().put("type", "content_block_start").put("index", nextIndex++);
        ev.set("content_block", block);
        out.event("content_block_start", Json.write(ev));
        open = kind;
    }

    private void closeOpen(Sink out) {
        if (open == Block.NONE) return;
        out.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + (nextIndex - 1) + "}");
        open = Block.NONE;
        openTool = -1;
    }

    /** Writes the gathered tool calls, each as a whole block, in the order they started. */
    private void writePending(Sink out) {
        if (pending.isEmpty()) return;
        List<Map.Entry<Integer, Pending>> all = new ArrayList<>(pending.entrySet());
        pending.clear();
        for (Map.Entry<Integer, Pending> e : all) {
            Pending p = e.getValue();
            startTool(e.getKey(), p.id(), p.name(), out);
            argumentsDelta(nextIndex - 1, p.arguments().toString(), out);
            closeOpen(out);
        }
    }
}
