package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.Usage;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/**
 * The common whole answer, read without a JSON tree: a 200 body whose choices need no change — no reasoning to
 * rename, split or strip, finish reasons already OpenAI's — is passed on as it is, and only its usage is read as a
 * tree. Anything else (an {@code error} member, choices missing or empty or not objects, a member that matters given
 * twice, a change to make, bytes that are not one JSON object) gets null, and {@link OpenAiWire} reads the answer as
 * a tree as before: both paths give every answer the same result ({@code PlainAnswerTest} holds them equal). The tree
 * of a typical answer was a tenth of what a request allocated (issue 15). Stateless.
 */
final class PlainAnswer {
    /** Reads one member's value as a tree; the rest of the answer follows it, so no check for trailing tokens. */
    private static final ObjectReader MEMBER = Json.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PlainAnswer() {}

    /** The usage of {@code body} (null members: {@link Usage#NONE}) when it may be sent as it is; null when it must be read as a tree. */
    static Usage usageIfPlain(Buffer body, Operation operation, Reasoning mode, boolean thinkPrefilled) {
        try (JsonParser p = Json.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            ObjectNode usage = null; // the members OpenAiUsage reads: usage, x_groq
            int choices = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "error" -> { return null; }
                    case "choices" -> {
                        if (choices >= 0) return null;
                        choices = choices(p, operation, mode, thinkPrefilled);
                        if (choices <= 0) return null;
                    }
                    case "usage", "x_groq" -> {
                        if (usage == null) usage = Json.object();
                        if (usage.has(name)) return null;
                        usage.set(name, MEMBER.readTree(p));
                    }
                    default -> p.skipChildren();
                }
            }
            if (choices <= 0 || p.nextToken() != null) return null; // no choice, or bytes after the object
            Usage u = usage == null ? null : OpenAiUsage.toCore(usage);
            return u == null ? Usage.NONE : u;
        } catch (IOException | RuntimeException e) {
            return null; // the tree path says what is wrong with it
        }
    }

    /** Reads the choices array: how many, or -1 when one of them would change (or is not an object). */
    private static int choices(JsonParser p, Operation operation, Reasoning mode, boolean thinkPrefilled) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) return -1;
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT || !plainChoice(p, operation, mode, thinkPrefilled)) return -1;
            n++;
        }
        return n;
    }

    /** One choice object, read to its end: true when neither its message nor its finish reason would change. */
    private static boolean plainChoice(JsonParser p, Operation operation, Reasoning mode, boolean thinkPrefilled) throws IOException {
        boolean sawMessage = false;
        boolean sawFinish = false;
        String finishReason = null;
        Message message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("message")) {
                if (sawMessage) return false;
                sawMessage = true;
                if (value == JsonToken.START_OBJECT) {
                    message = Message.read(p);
                    if (message == null) return false;
                } else p.skipChildren();
            } else if (name.equals("finish_reason")) {
                if (sawFinish) return false;
                sawFinish = true;
                if (value == JsonToken.VALUE_STRING) finishReason = p.getText();
                else p.skipChildren();
            } else p.skipChildren();
        }
        if (operation == Operation.CHAT && message != null && message.wouldChange(mode, thinkPrefilled)) return false;
        boolean toolCalls = message != null && message.toolCalls;
        return finishReason == null || FinishReasons.toOpenAi(finishReason, toolCalls).equals(finishReason);
    }

    /** What {@link OpenAiReasoning#wouldChange} and the finish reason look at in a message. */
    private static final class Message {
        boolean reasoning;
        boolean reasoningContent;
        boolean separated;
        String content;
        boolean toolCalls; // "tool_calls" a non-empty array

        /** Reads the message object to its end; null when a member that matters is given twice. */
        static Message read(JsonParser p) throws IOException {
            Message m = new Message();
            int seen = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                int bit = switch (name) {
                    case "reasoning" -> 1;
                    case "reasoning_content" -> 2;
                    case "content" -> 4;
                    case "tool_calls" -> 8;
                    default -> 0;
                };
                if ((seen & bit) != 0) return null;
                seen |= bit;
                switch (bit) {
                    case 1 -> m.reasoning = value != JsonToken.VALUE_NULL;
                    case 2 -> {
                        m.reasoningContent = true;
                        m.separated = value == JsonToken.VALUE_STRING && !p.getText().isEmpty();
                    }
                    case 4 -> m.content = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case 8 -> m.toolCalls = value == JsonToken.START_ARRAY && p.nextToken() != JsonToken.END_ARRAY;
                    default -> { }
                }
                // past the value: a container is skipped whole; a non-empty tool_calls is inside, at its first element
                if (bit == 8 && m.toolCalls) {
                    do p.skipChildren(); while (p.nextToken() != JsonToken.END_ARRAY);
                } else p.skipChildren();
            }
            return m;
        }

        boolean wouldChange(Reasoning mode, boolean thinkPrefilled) {
            return OpenAiReasoning.wouldChange(reasoning, reasoningContent, separated, content, mode, thinkPrefilled);
        }
    }
}
