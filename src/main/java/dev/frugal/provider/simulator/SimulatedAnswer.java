package dev.frugal.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the simulator answers to a request: deterministic words derived from the prompt, or a
 * call of one of the request's tools with arguments shaped by its JSON schema. Pure.
 */
record SimulatedAnswer(List<String> tokens, String toolName, String toolArguments, long promptTokens) {

    private static final String[] WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation "
            + "ullamco laboris nisi aliquip ex ea commodo consequat").split(" ");
    private static final String PREFACE = "This is a simulated answer from Frugal's built-in simulator, not a model.";

    boolean isToolCall() { return toolName != null; }

    static SimulatedAnswer of(JsonNode body, boolean chat, int maxTokens) {
        String prompt = chat ? promptText(body.path("messages")) : promptOf(body.get("prompt"));
        long promptTokens = Math.max(1, (prompt.length() + 3) / 4);
        if (chat) {
            ObjectNode tool = chosenTool(body);
            if (tool != null) {
                String name = tool.path("function").path("name").asText("tool");
                return new SimulatedAnswer(List.of(), name, Json.write(arguments(tool.path("function").path("parameters"))), promptTokens);
            }
        }
        List<String> tokens = new ArrayList<>(maxTokens);
        String[] preface = PREFACE.split(" ");
        long seed = prompt.hashCode();
        for (int i = 0; i < maxTokens; i++) {
            String word = i < preface.length ? preface[i] : WORDS[(int) Math.floorMod(seed * 31 + i * 7L, (long) WORDS.length)];
            tokens.add(i == 0 ? word : " " + word);
        }
        return new SimulatedAnswer(tokens, null, null, promptTokens);
    }

    /** The tool to call: the forced one, else the first, but only when the turn is the user's. */
    private static ObjectNode chosenTool(JsonNode body) {
        JsonNode tools = body.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) return null;
        JsonNode choice = body.get("tool_choice");
        if (choice != null && "none".equals(choice.asText())) return null;
        JsonNode messages = body.path("messages");
        JsonNode last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1) : null;
        if (last == null || "tool".equals(last.path("role").asText())) return null;
        String forced = choice == null ? null : choice.path("function").path("name").asText(null);
        for (JsonNode t : tools) {
            if (t instanceof ObjectNode o && (forced == null || forced.equals(o.path("function").path("name").asText()))) return o;
        }
        return null;
    }

    private static ObjectNode arguments(JsonNode schema) {
        ObjectNode args = Json.object();
        JsonNode props = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode enumValues = p.getValue().get("enum");
            if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
                args.set(p.getKey(), enumValues.get(0));
                continue;
            }
            switch (p.getValue().path("type").asText("string")) {
                case "integer", "number" -> args.put(p.getKey(), 1);
                case "boolean" -> args.put(p.getKey(), true);
                case "array" -> args.putArray(p.getKey());
                case "object" -> args.putObject(p.getKey());
                default -> args.put(p.getKey(), "sample");
            }
        }
        return args;
    }

    private static String promptText(JsonNode messages) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) {
            JsonNode c = m.get("content");
            if (c == null) continue;
            if (c.isTextual()) sb.append(c.asText()).append('\n');
            else if (c.isArray()) for (JsonNode part : c) sb.append(part.path("text").asText("")).append('\n');
        }
        return sb.toString();
    }

    private static String promptOf(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) return "";
        if (prompt.isTextual()) return prompt.asText();
        return prompt.toString();
    }
}
