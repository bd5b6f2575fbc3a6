package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.Usage;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PlainAnswer} against the tree path it shortcuts: for every answer, operation, reasoning mode and prefill, an
 * answer it passes on as it is must be one the tree path accepts without a change, with the same usage; and the
 * common answers must take it (else the shortcut would be dead code that still passes).
 */
@Tag("unit")
class PlainAnswerTest {
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}";

    private static String chat(String message, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":"
                + message + ",\"finish_reason\":" + finish + "}]," + USAGE + "}";
    }

    /** Answers every mode passes on as they are (chat, unless said). */
    private static final List<String> PLAIN = List.of(
            chat("{\"role\":\"assistant\",\"content\":\"Hello! How can I help?\"}", "\"stop\""),
            chat("{\"role\":\"assistant\",\"content\":\"h\u00e9llo \\\"quoted\\\" \\u00e9 \\n <b>not a think tag</b>\"}", "\"length\""),
            chat("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":[1,{\\\"b\\\":2}]}\"}},{\"id\":\"t2\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}", "\"tool_calls\""),
            chat("{\"role\":\"assistant\",\"content\":\"x\",\"tool_calls\":[]}", "\"stop\""),
            chat("{\"role\":\"assistant\",\"content\":\"x\",\"reasoning\":null}", "\"stop\""),
            chat("{\"role\":\"assistant\",\"content\":\"x\",\"refusal\":null,\"annotations\":[{\"a\":[[]]}]}", "null"),
            // finish_reason before message, members after the choices and extras everywhere
            "{\"choices\":[{\"finish_reason\":\"stop\",\"logprobs\":{\"content\":[{\"t\":1}]},\"message\":{\"content\":\"a\"},\"index\":0},"
                    + "{\"index\":1,\"message\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}],\"system_fingerprint\":\"fp\","
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":2},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":1}},\"service_tier\":\"default\"}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":\"7\",\"completion_tokens\":2.9,\"prompt_cache_hit_tokens\":5}}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"g\",\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1}}}",
            "{\"choices\":[{\"message\":{\"content\":\"no usage at all\"},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":null}",
            "{\"choices\":[{\"message\":null,\"finish_reason\":\"stop\"}]}");

    /** Answers the tree path must see: they change, fail, or are not what the shortcut reads. */
    private static final List<String> NOT_PLAIN = List.of(
            chat("{\"content\":\"x\",\"reasoning\":\"thought\"}", "\"stop\""),                       // renamed
            chat("{\"content\":\"<think>thought</think>answer\"}", "\"stop\""),                     // split or stripped
            chat("{\"content\":\"x\",\"tool_calls\":[{\"id\":\"t\"}]}", "\"stop\""),                  // stop → tool_calls
            chat("{\"content\":\"x\"}", "\"eos\""),                                                   // → stop
            chat("{\"content\":\"x\"}", "\"max_tokens\""),                                            // → length
            "{\"error\":{\"message\":\"overloaded\"}}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"error\":null}",
            "{\"choices\":[]," + USAGE + "}",
            "{\"object\":\"chat.completion\"," + USAGE + "}",
            "{\"choices\":{\"0\":{}}}",
            "{\"choices\":[1,2]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"choices\":[{\"message\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":2}}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"},\"message\":{\"content\":\"<think>b</think>c\"}}]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"<think>b</think>c\"}}]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}]} {}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"}}]",
            "[{\"choices\":[]}]",
            "not json",
            "");

    /** Answers whose fate depends on the mode: the differential check alone decides them. */
    private static final List<String> BY_MODE = List.of(
            chat("{\"content\":\"answer\",\"reasoning_content\":\"thought\"}", "\"stop\""),          // STRIP removes it
            chat("{\"content\":\"answer\",\"reasoning_content\":null}", "\"stop\""),
            chat("{\"content\":\"<think>a</think>b\",\"reasoning_content\":\"\"}", "\"stop\""),
            chat("{\"content\":\"<think>a</think>b\",\"reasoning_content\":\"separate\"}", "\"stop\""),
            chat("{\"content\":\"thought</think>answer\"}", "\"stop\""),                              // prefilled
            chat("{\"content\":\"  <think>\\n</think>\\n\\nanswer\"}", "\"stop\""),
            chat("{\"content\":[{\"type\":\"text\",\"text\":\"<think>a</think>b\"}]}", "\"stop\""));

    @Test
    void agreesWithTheTreePathOnEveryAnswerModeAndOperation() throws Exception {
        List<String> all = new ArrayList<>(PLAIN);
        all.addAll(NOT_PLAIN);
        all.addAll(BY_MODE);
        int shortcuts = 0;
        for (String answer : all) {
            for (Operation op : List.of(Operation.CHAT, Operation.COMPLETIONS)) {
                for (Reasoning mode : modes()) {
                    for (boolean prefilled : new boolean[] {false, true}) {
                        Usage fast = PlainAnswer.usageIfPlain(Buffer.buffer(answer), op, mode, prefilled);
                        if (fast == null) continue;
                        shortcuts++;
                        String where = answer + " / " + op + " / " + mode + " / prefilled " + prefilled;
                        JsonNode tree = Json.parse(answer);
                        assertTrue(tree.isObject() && !tree.has("error") && tree.path("choices").isArray()
                                && !tree.get("choices").isEmpty(), "the tree path accepts it: " + where);
                        assertFalse(OpenAiWire.normalise(tree, op, mode, prefilled), "the tree path changes nothing: " + where);
                        Usage usage = OpenAiUsage.toCore(Json.parse(answer));
                        assertEquals(usage == null ? Usage.NONE : usage, fast, "the same usage: " + where);
                    }
                }
            }
        }
        assertTrue(shortcuts > 0);
    }

    @Test
    void theCommonAnswersTakeTheShortcutAndTheOthersDoNot() {
        for (String answer : PLAIN) {
            for (Reasoning mode : modes()) {
                assertNotNull(PlainAnswer.usageIfPlain(Buffer.buffer(answer), Operation.CHAT, mode, false), answer + " / " + mode);
            }
        }
        for (String answer : NOT_PLAIN) {
            assertNull(PlainAnswer.usageIfPlain(Buffer.buffer(answer), Operation.CHAT, Reasoning.SPLIT, false), answer);
        }
        assertEquals(new Usage(9, 12, 0, 0), PlainAnswer.usageIfPlain(Buffer.buffer(PLAIN.get(0)), Operation.CHAT, Reasoning.SPLIT, false));
        assertEquals(Usage.NONE, PlainAnswer.usageIfPlain(Buffer.buffer(PLAIN.get(9)), Operation.CHAT, Reasoning.SPLIT, false));
        // STRIP: reasoning sent in its own field must go, so that answer is the tree path's
        assertNull(PlainAnswer.usageIfPlain(Buffer.buffer(BY_MODE.get(0)), Operation.CHAT, Reasoning.STRIP, false));
        assertNotNull(PlainAnswer.usageIfPlain(Buffer.buffer(BY_MODE.get(0)), Operation.CHAT, Reasoning.SPLIT, false));
    }

    @Test
    void readsABufferThatIsASliceOfALargerOne() {
        String answer = PLAIN.get(0);
        byte[] framed = ("xx" + answer + "}}").getBytes(StandardCharsets.UTF_8);
        Buffer slice = Buffer.buffer(Unpooled.wrappedBuffer(framed).slice(2, answer.getBytes(StandardCharsets.UTF_8).length));
        assertEquals(new Usage(9, 12, 0, 0), PlainAnswer.usageIfPlain(slice, Operation.CHAT, Reasoning.SPLIT, false));
    }

    private static List<Reasoning> modes() {
        List<Reasoning> modes = new ArrayList<>(Arrays.asList(Reasoning.values()));
        modes.add(null); // a deployment that says nothing: SPLIT
        return modes;
    }
}
