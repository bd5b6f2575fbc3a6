package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

import java.io.IOException;

/**
 * Reads a whole OpenAI-shaped answer in one pass of Jackson's streaming parser, for the common case
 * where it goes to the client as it came: then only its usage is needed, and building a tree of every
 * answer cost about 3 % of a request's CPU (docs/benchmarks.md). Returns null whenever the tree path
 * has something to do or to say: an {@code error}, {@code choices} missing or empty, a {@code reasoning}
 * field to rename, reasoning to strip, content that may hold a think tag, a prefilled think block, a
 * finish reason to map, a repeated key, or anything not shaped as expected. Pure; thread-safe.
 */
final class WholeAnswerScan {
    /** Reads one value (the usage) where the parser stands; the answer goes on after it. */
    private static final ObjectReader SUBTREE = Json.mapper().readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private WholeAnswerScan() {}

    /** The answer's usage ({@link Usage#NONE} without one) if it needs no change, else null. */
    static Usage usageIfUnchanged(byte[] body, boolean chat, Reasoning mode, boolean prefilled) {
        if (chat && prefilled && mode != Reasoning.PASS) return null;
        try (JsonParser p = Json.mapper().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            boolean choices = false;
            JsonNode usage = null;
            JsonNode groq = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "error" -> { return null; }
                    case "choices" -> {
                        if (choices || !choicesUnchanged(p, chat, mode)) return null;
                        choices = true;
                    }
                    case "usage" -> {
                        if (usage != null) return null;
                        usage = SUBTREE.readValue(p);
                    }
                    case "x_groq" -> {
                        if (groq != null) return null;
                        groq = SUBTREE.readValue(p);
                    }
                    default -> p.skipChildren();
                }
                if (value == null) return null;
            }
            if (!choices || p.currentToken() != JsonToken.END_OBJECT) return null;
            if (usage == null && groq == null) return Usage.NONE;
            ObjectNode holder = Json.object();
            if (usage != null) holder.set("usage", usage);
            if (groq != null) holder.set("x_groq", groq);
            Usage u = OpenAiUsage.toCore(holder);
            return u == null ? Usage.NONE : u;
        } catch (IOException | RuntimeException e) {
            return null; // the tree path words the failure
        }
    }

    /** At the array's start: true when it holds at least one choice and none needs a change. */
    private static boolean choicesUnchanged(JsonParser p, boolean chat, Reasoning mode) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) return false;
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            count++;
            String finish = null;
            boolean toolCalls = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("finish_reason".equals(name)) {
                    if (value == JsonToken.VALUE_STRING) finish = p.getText();
                    else p.skipChildren();
                } else if ("message".equals(name) && chat && value == JsonToken.START_OBJECT) {
                    int calls = messageUnchanged(p, mode);
                    if (calls < 0) return false;
                    toolCalls |= calls > 0;
                } else if ("message".equals(name)) {
                    if (value != JsonToken.START_OBJECT) p.skipChildren();
                    else if (toolCallsIn(p)) toolCalls = true;
                } else {
                    p.skipChildren();
                }
            }
            if (finish != null && !FinishReasons.toOpenAi(finish, toolCalls).equals(finish)) return false;
        }
        return t == JsonToken.END_ARRAY && count > 0;
    }

    /** At a chat message's start: -1 when reasoning needs work, else 1 with tool calls, 0 without. */
    private static int messageUnchanged(JsonParser p, Reasoning mode) throws IOException {
        int calls = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "reasoning" -> {
                    if (value != JsonToken.VALUE_NULL) return -1;
                }
                case "reasoning_content" -> {
                    if (mode == Reasoning.STRIP) return -1;
                    p.skipChildren();
                }
                case "content" -> {
                    if (value == JsonToken.VALUE_STRING && mode != Reasoning.PASS && p.getText().contains("think>")) return -1;
                    p.skipChildren();
                }
                case "tool_calls" -> {
                    if (value == JsonToken.START_ARRAY && p.nextToken() != JsonToken.END_ARRAY) {
                        calls = 1;
                        p.skipChildren();
                        while (p.nextToken() != JsonToken.END_ARRAY) p.skipChildren();
                    } else if (value != JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return calls;
    }

    /** At a completions choice's {@code message} object (rare): whether it has tool calls; consumes it. */
    private static boolean toolCallsIn(JsonParser p) throws IOException {
        JsonNode m = SUBTREE.readValue(p);
        JsonNode calls = m.get("tool_calls");
        return calls != null && calls.isArray() && !calls.isEmpty();
    }
}
