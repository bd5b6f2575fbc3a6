package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pure Responses mappers against {@code fixtures/responses/<case>/} (provenance in its NOTE.md):
 * the request becomes {@code chat-request.json} and its context {@code input-items.json}; a chat
 * completion becomes {@code response.json}; stream chunks become {@code events.sse}, event for event.
 * Minted ids are compared by identity ({@code msg_1} is the first distinct message id); times are fixed.
 */
@Tag("unit")
class ResponsesFixturesTest {
    static final Path ROOT = Path.of("src/test/resources/fixtures/responses");
    static final long CREATED = 1767225600, COMPLETED = 1767225601;
    /** Ids the gateway mints: 24 random characters; an output item's also carry its response's ({@link ResponseObject#itemId}). */
    private static final Pattern MINTED = Pattern.compile("\\b(resp|msg|fc|fco|rs|call)_[A-Za-z0-9]{24}(?:_[A-Za-z0-9]{8})?\\b");

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stream-text", "stream-tools", "stream-reasoning", "tool-round-trip", "finish-length"})
    void theMappersProduceTheGoldenFiles(String name) throws Exception {
        Path dir = ROOT.resolve(name);
        JsonNode request = Json.parse(Files.readString(dir.resolve("request.json")));
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(request, null);
        compare(dir.resolve("chat-request.json"), pretty(t.chat()));
        compare(dir.resolve("input-items.json"), pretty(t.context()));
        ObjectNode response = ResponseObject.start("resp_" + "A".repeat(24), CREATED, t.model(), t.echo());
        if (Files.exists(dir.resolve("completion.json"))) {
            JsonNode completion = Json.parse(Files.readString(dir.resolve("completion.json")));
            ResponseObject.complete(response, completion, usage(completion.path("usage")), COMPLETED);
            compare(dir.resolve("response.json"), pretty(response));
        }
        if (Files.exists(dir.resolve("chunks.sse"))) {
            ResponsesStreamMapper mapper = new ResponsesStreamMapper(response);
            StringBuilder events = new StringBuilder();
            ResponsesStreamMapper.Sink sink = (type, json) -> events.append("event: ").append(type).append("\ndata: ").append(json).append("\n\n");
            Usage usage = Usage.NONE;
            for (String line : Files.readAllLines(dir.resolve("chunks.sse"))) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
                String json = line.substring(6);
                JsonNode u = Json.parse(json).get("usage");
                if (u != null && u.isObject()) usage = usage(u);
                mapper.chunk(json, sink);
            }
            mapper.end(usage, COMPLETED, sink);
            compare(dir.resolve("events.sse"), events.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream-text"})
    void aFailureMidStreamEndsWithResponseFailedAndNoTopLevelError(String name) throws Exception {
        Path dir = ROOT.resolve(name);
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(Json.parse(Files.readString(dir.resolve("request.json"))), null);
        ResponsesStreamMapper mapper = new ResponsesStreamMapper(ResponseObject.start("resp_x", CREATED, t.model(), t.echo()));
        StringBuilder types = new StringBuilder();
        ResponsesStreamMapper.Sink sink = (type, json) -> {
            types.append(type).append(' ');
            try {
                if (Json.parse(json).has("error")) fail("a top-level error key: " + json);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        String first = Files.readAllLines(dir.resolve("chunks.sse")).stream().filter(l -> l.contains("\"Hello\"")).findFirst().orElseThrow();
        mapper.chunk(first.substring(6), sink);
        mapper.fail(new GatewayError(502, "upstream_error", "upstream_connection_lost", null, "lost"), Usage.NONE, sink);
        assertEquals("response.created response.in_progress response.output_item.added response.content_part.added "
                + "response.output_text.delta response.failed ", types.toString());
        assertEquals("failed", mapper.response().path("status").asText());
        assertEquals("incomplete", mapper.response().path("output").path(0).path("status").asText());
        assertEquals("Hello", mapper.response().path("output").path(0).path("content").path(0).path("text").asText());
        assertEquals("server_error", mapper.response().path("error").path("code").asText());
    }

    static String pretty(JsonNode n) throws Exception {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }

    static Usage usage(JsonNode u) {
        return new Usage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(), u.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }

    /** Minted ids numbered by first appearance, per prefix. */
    static String normalized(String s) {
        Map<String, String> seen = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = MINTED.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = seen.computeIfAbsent(m.group(), g -> m.group(1) + "_" + counts.merge(m.group(1), 1, Integer::sum));
            m.appendReplacement(out, id);
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Compares with the golden file; a missing one is written (review it) and the test fails. */
    private static void compare(Path golden, String actual) throws Exception {
        String got = normalized(actual).strip() + "\n";
        if (!Files.exists(golden)) {
            Files.writeString(golden, got);
            fail(golden + " was missing and has been written: review it");
        }
        assertEquals(Files.readString(golden), got, golden.toString());
    }
}
