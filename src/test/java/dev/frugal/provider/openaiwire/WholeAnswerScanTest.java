package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming read of a whole answer agrees with the tree path: whenever it says "unchanged", the tree
 * path changes nothing and reads the same usage; it declines every answer the tree path would change or refuse.
 */
@Tag("unit")
class WholeAnswerScanTest {
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":2}}";

    static List<String> bodies() throws IOException {
        List<String> b = new ArrayList<>(List.of(
                "{\"id\":\"a\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]," + USAGE + "}",
                "{\"choices\":[{\"finish_reason\":\"stop\",\"message\":{\"content\":\"no usage\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"  leading space and <b>tags</b>\"},\"finish_reason\":\"length\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"\\n\\nHello\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"<think>hmm</think>Answer\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"  <think>hmm</think>Answer\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"reasoning then</think>Answer\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"<thinking>not a tag</thinking>\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning\":\"why\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning\":null},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning_content\":\"why\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
                "{\"choices\":[{\"finish_reason\":\"tool_calls\",\"message\":{\"tool_calls\":[]}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"eos\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"},{\"message\":{\"content\":\"b\"},\"finish_reason\":\"max_tokens\"}]}",
                "{\"choices\":[{\"text\":\"completion text\",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
                "{\"choices\":[{\"text\":\"x\",\"finish_reason\":\"stop\",\"message\":{\"tool_calls\":[{\"id\":\"c\"}]}}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}",
                "{\"object\":\"chat.completion\"}",
                "{\"error\":{\"message\":\"overloaded\"}}",
                "{\"error\":null,\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"x_groq\":{\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":5}}}",
                "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":4,\"prompt_cache_hit_tokens\":2}}",
                "{\"choices\":{\"0\":{}}}",
                "{\"choices\":[1,2]}",
                "[1]",
                "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]",
                "not json"));
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures/openai"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("response.json")).toList()) b.add(Files.readString(f));
        }
        return b;
    }

    @Test
    void agreesWithTheTreePathOnEveryBodyModeAndOperation() throws IOException {
        int unchanged = 0, declined = 0;
        for (String body : bodies()) {
            for (Reasoning mode : Reasoning.values()) {
                for (boolean prefilled : new boolean[] {false, true}) {
                    for (boolean chat : new boolean[] {true, false}) {
                        Usage scanned = WholeAnswerScan.usageIfUnchanged(body.getBytes(StandardCharsets.UTF_8), chat, mode, prefilled);
                        String what = body + " / " + mode + (prefilled ? " prefilled" : "") + (chat ? " chat" : " completions");
                        if (scanned == null) {
                            declined++;
                            continue;
                        }
                        unchanged++;
                        JsonNode tree = Json.parse(body);
                        assertTrue(tree.isObject() && !tree.has("error") && tree.path("choices").isArray() && !tree.get("choices").isEmpty(), what);
                        assertEquals(false, OpenAiWire.normalise(tree, chat, mode, prefilled), what);
                        assertEquals(tree, Json.parse(body), "unchanged: " + what);
                        Usage expected = OpenAiUsage.toCore(tree);
                        assertEquals(expected == null ? Usage.NONE : expected, scanned, what);
                    }
                }
            }
        }
        assertTrue(unchanged > 100 && declined > 100, unchanged + " unchanged, " + declined + " declined");
    }

    @Test
    void declinesWhatTheTreePathMustChangeOrRefuse() {
        Reasoning split = Reasoning.SPLIT;
        assertNull(scan("{\"choices\":[{\"message\":{\"content\":\"<think>a</think>b\"},\"finish_reason\":\"stop\"}]}", split));
        assertNull(scan("{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning\":\"r\"},\"finish_reason\":\"stop\"}]}", Reasoning.PASS));
        assertNull(scan("{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning_content\":\"r\"},\"finish_reason\":\"stop\"}]}", Reasoning.STRIP));
        assertNull(scan("{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"end_turn\"}]}", split));
        assertNull(scan("{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"c\"}]},\"finish_reason\":\"stop\"}]}", split));
        assertNull(scan("{\"choices\":[]}", split));
        assertNull(scan("{\"error\":{\"message\":\"x\"},\"choices\":[{\"finish_reason\":\"stop\"}]}", split));
        assertNull(scan("{\"choices\":[{\"finish_reason\":\"stop\"}],\"choices\":[{\"finish_reason\":\"stop\"}]}", split));
        Usage u = scan("{\"choices\":[{\"message\":{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]," + USAGE + "}", split);
        assertNotNull(u);
        assertEquals(new Usage(9, 12, 3, 2), u);
    }

    private static Usage scan(String body, Reasoning mode) {
        return WholeAnswerScan.usageIfUnchanged(body.getBytes(StandardCharsets.UTF_8), true, mode, false);
    }
}
