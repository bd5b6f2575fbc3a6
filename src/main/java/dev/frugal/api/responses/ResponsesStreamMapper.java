package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the OpenAI chunks of one stream into the Responses API's event sequence
 * (responses-api.md §3, §6.4): {@code response.created} and {@code response.in_progress} with the
 * first chunk; per output item {@code output_item.added}, its body ({@code content_part.added},
 * {@code output_text.delta}/{@code refusal.delta}/{@code reasoning_text.delta}, their
 * {@code .done}, {@code content_part.done}; or {@code function_call_arguments.delta}/{@code .done};
 * or, for a call of a {@code custom} tool ({@link CustomTools}), {@code custom_tool_call_input.delta}
 * and {@code .done} with the whole input once the call ends, as it is decoded from the arguments)
 * and {@code output_item.done}; then one terminal event whose {@code response} is complete:
 * {@code response.completed}, {@code response.incomplete} (length, content filter) or
 * {@code response.failed}. Every event has a {@code sequence_number} from 0; no event has a
 * top-level {@code error} key (§3.8: the Java SDK throws on one).
 *
 * <p>Items are appended in order (reasoning, message, function calls), so indexes are dense;
 * reasoning or text that follows a closed item opens a new one. A function call's item opens once
 * its name is known (clients want it in {@code output_item.added}); fragments before that are held.
 * Only the first choice is translated. Pure; one instance per stream, not thread-safe.
 */
public final class ResponsesStreamMapper {

    /** Receives the events, in order: the SSE event name (= the JSON {@code type}) and the JSON. */
    public interface Sink {
        void event(String type, String json);
    }

    private enum Part { NONE, TEXT, REFUSAL }

    /** An item still open: its output index, id, and what it gathered. */
    private static final class Open {
        final int index;
        final ObjectNode item;
        final StringBuilder text = new StringBuilder();
        Part part = Part.NONE;
        int contentIndex = -1;

        Open(int index, ObjectNode item) {
            this.index = index;
            this.item = item;
        }

        String id() { return item.get("id").asText(); }
    }

    /** A tool call as it comes: opened (with an item) once its name is known. */
    private static final class Call {
        String callId;
        String name = "";
        final StringBuilder arguments = new StringBuilder();
        Open open;
        boolean custom; // a custom tool's: its input is sent whole as the call ends, decoded from the arguments

        /** Keeps what came so far in the item. */
        void settle(String status) {
            if (custom) open.item.put("input", CustomTools.input(arguments.toString()));
            else open.item.put("arguments", arguments.toString());
            open.item.put("status", status);
        }
    }

    private final ObjectNode response;
    private final ArrayNode output = Json.nodes().arrayNode();
    private final List<Open> items = new ArrayList<>();
    private final Map<Integer, Call> calls = new TreeMap<>();
    private final Set<String> callIds = new HashSet<>();
    private final Set<String> custom;
    private int seq;
    private boolean started;
    private Open reasoning;
    private Open message;
    private String finishReason;

    /** @param response the response as it starts ({@link ResponseObject#start}) */
    public ResponsesStreamMapper(ObjectNode response) {
        this.response = response;
        this.custom = CustomTools.names(response.path("tools"));
    }

    private String responseId() { return response.path("id").asText(); }

    /** The response as far as it came; whole once {@link #end} or {@link #fail} ran. */
    public ObjectNode response() { return response; }

    /** Maps one OpenAI chunk; a chunk that is not JSON is ignored (adapters never send one). */
    public void chunk(String json, Sink out) {
        JsonNode chunk;
        try {
            chunk = Json.parse(json);
        } catch (Exception e) {
            return;
        }
        if (!started && !chunk.path("model").asText("").isEmpty()) response.put("model", chunk.get("model").asText()); // decision 0018
        start(out);
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) continue;
            JsonNode delta = choice.path("delta");
            String r = delta.path("reasoning_content").asText("");
            if (r.isEmpty()) r = delta.path("reasoning").asText("");
            if (!r.isEmpty()) reasoning(r, out);
            String content = delta.path("content").asText("");
            if (!content.isEmpty()) text(Part.TEXT, content, out);
            String refusal = delta.path("refusal").asText("");
            if (!refusal.isEmpty()) text(Part.REFUSAL, refusal, out);
            for (JsonNode call : delta.path("tool_calls")) call(call, out);
            JsonNode fr = choice.get("finish_reason");
            if (fr != null && fr.isTextual()) finishReason = fr.asText();
        }
    }

    /** The upstream ended cleanly: closes every item and sends the terminal event with the whole response. */
    public void end(Usage usage, long completedAt, Sink out) {
        start(out);
        String status = ResponseObject.incompleteReason(finishReason) == null ? "completed" : "incomplete";
        closeAll(status, out);
        ResponseObject.finish(response, output, finishReason, usage, completedAt);
        emit("response." + response.get("status").asText(), lifecycle(), out);
    }

    /** The stream failed after its first chunk: open items end {@code incomplete}, then {@code response.failed}. */
    public void fail(GatewayError e, Usage usage, Sink out) {
        start(out);
        for (Open o : items) if (!"completed".equals(o.item.path("status").asText("completed"))) o.item.put("status", "incomplete");
        for (Call c : calls.values()) if (c.open != null) c.settle("incomplete");
        if (message != null) finishMessageText(message);
        if (reasoning != null) reasoning.item.withArray("content").add(Json.object().put("type", "reasoning_text").put("text", reasoning.text.toString()));
        ResponseObject.fail(response, output, e, usage);
        emit("response.failed", lifecycle(), out);
    }

    // ---- pieces --------------------------------------------------------------------------------

    private void start(Sink out) {
        if (started) return;
        started = true;
        emit("response.created", lifecycle(), out);
        emit("response.in_progress", lifecycle(), out);
    }

    private ObjectNode lifecycle() {
        return Json.object().set("response", response);
    }

    private void reasoning(String text, Sink out) {
        if (reasoning == null) {
            closeMessage("completed", out);
            ObjectNode item = Json.object().put("id", ResponseObject.itemId("rs_", responseId())).put("type", "reasoning");
            item.putArray("summary");
            reasoning = add(item, out);
            reasoning.item.putArray("content");
            reasoning.contentIndex = 0;
            emit("response.content_part.added", scoped(reasoning).put("content_index", 0)
                    .set("part", Json.object().put("type", "reasoning_text").put("text", "")), out);
        }
        reasoning.text.append(text);
        emit("response.reasoning_text.delta", scoped(reasoning).put("content_index", 0).put("delta", text), out);
    }

    private void text(Part kind, String text, Sink out) {
        closeReasoning(out);
        if (message == null) {
            message = add(ResponseObject.messageItem(ResponseObject.itemId("msg_", responseId()), "in_progress"), out);
        }
        if (message.part != kind) {
            closePart(message, out);
            message.part = kind;
            message.contentIndex++;
            emit("response.content_part.added", scoped(message).put("content_index", message.contentIndex).set("part", part(kind, "")), out);
        }
        message.text.append(text);
        ObjectNode ev = scoped(message).put("content_index", message.contentIndex).put("delta", text);
        if (kind == Part.TEXT) ev.putArray("logprobs");
        emit(kind == Part.TEXT ? "response.output_text.delta" : "response.refusal.delta", ev, out);
    }

    private void call(JsonNode delta, Sink out) {
        int k = delta.path("index").asInt(0);
        Call c = calls.computeIfAbsent(k, i -> new Call());
        if (c.callId == null && delta.path("id").isTextual() && !delta.get("id").asText().isEmpty()) c.callId = delta.get("id").asText();
        String name = delta.path("function").path("name").asText("");
        if (c.name.isEmpty() && !name.isEmpty()) c.name = name;
        String args = delta.path("function").path("arguments").asText("");
        c.arguments.append(args);
        if (c.open == null) {
            if (c.name.isEmpty()) return; // held until the name comes
            open(c, out);
            args = c.arguments.toString(); // what was held, this fragment included
        }
        if (!args.isEmpty() && !c.custom) emit("response.function_call_arguments.delta", scoped(c.open).put("delta", args), out);
    }

    private void open(Call c, Sink out) {
        closeReasoning(out);
        closeMessage("completed", out);
        if (c.callId == null || !callIds.add(c.callId)) c.callId = Ids.random("call_", 24); // §6.3: unique and non-empty
        callIds.add(c.callId);
        c.custom = custom.contains(c.name);
        c.open = add(ResponseObject.toolCall(responseId(), c.callId, c.name, "", "in_progress", custom), out);
    }

    private Open add(ObjectNode item, Sink out) {
        Open o = new Open(output.size(), item);
        output.add(item);
        items.add(o);
        emit("response.output_item.added", Json.object().put("output_index", o.index).set("item", item.deepCopy()), out);
        return o;
    }

    private void closeAll(String status, Sink out) {
        closeReasoning(out);
        closeMessage(status, out);
        for (Call c : calls.values()) {
            if (c.open == null) open(c, out); // a call whose name never came
            Open o = c.open;
            c.settle(status);
            if (c.custom) {
                String input = o.item.get("input").asText();
                if (!input.isEmpty()) emit("response.custom_tool_call_input.delta", scoped(o).put("delta", input), out);
                emit("response.custom_tool_call_input.done", scoped(o).put("input", input), out);
            } else {
                emit("response.function_call_arguments.done", scoped(o).put("arguments", c.arguments.toString()).put("name", c.name), out);
            }
            itemDone(o, out);
        }
        calls.clear();
    }

    private void closeReasoning(Sink out) {
        if (reasoning == null) return;
        Open r = reasoning;
        reasoning = null;
        String text = r.text.toString();
        emit("response.reasoning_text.done", scoped(r).put("content_index", 0).put("text", text), out);
        ObjectNode part = Json.object().put("type", "reasoning_text").put("text", text);
        emit("response.content_part.done", scoped(r).put("content_index", 0).set("part", part), out);
        r.item.withArray("content").add(part);
        itemDone(r, out);
    }

    private void closeMessage(String status, Sink out) {
        if (message == null) return;
        Open m = message;
        message = null;
        closePart(m, out);
        m.item.put("status", status);
        itemDone(m, out);
    }

    private void closePart(Open m, Sink out) {
        if (m.part == Part.NONE) return;
        String text = m.text.toString();
        ObjectNode done = scoped(m).put("content_index", m.contentIndex);
        if (m.part == Part.TEXT) {
            done.put("text", text).putArray("logprobs");
            emit("response.output_text.done", done, out);
        } else {
            emit("response.refusal.done", done.put("refusal", text), out);
        }
        ObjectNode part = part(m.part, text);
        emit("response.content_part.done", scoped(m).put("content_index", m.contentIndex).set("part", part), out);
        m.item.withArray("content").add(part);
        m.text.setLength(0);
        m.part = Part.NONE;
    }

    /** On failure: the open part's text kept in the item without events. */
    private void finishMessageText(Open m) {
        if (m.part != Part.NONE) m.item.withArray("content").add(part(m.part, m.text.toString()));
    }

    private void itemDone(Open o, Sink out) {
        emit("response.output_item.done", Json.object().put("output_index", o.index).set("item", o.item.deepCopy()), out);
    }

    private static ObjectNode part(Part kind, String text) {
        return kind == Part.TEXT ? ResponseObject.outputText(text) : Json.object().put("type", "refusal").put("refusal", text);
    }

    private static ObjectNode scoped(Open o) {
        return Json.object().put("item_id", o.id()).put("output_index", o.index);
    }

    private void emit(String type, ObjectNode fields, Sink out) {
        ObjectNode ev = Json.object().put("type", type).put("sequence_number", seq++);
        ev.setAll(fields);
        out.event(type, Json.write(ev));
    }
}
