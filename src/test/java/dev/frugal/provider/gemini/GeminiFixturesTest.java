package dev.frugal.provider.gemini;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.Embeddings;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every case under {@code fixtures/gemini/} run through the pure mappers, without Quarkus (the file
 * layout is described in that folder's NOTE.md). The folder name is also the upstream model, as it
 * is for {@code FakeUpstream}.
 */
@Tag("unit")
class GeminiFixturesTest {
    static final Path ROOT = Path.of("src", "test", "resources", "fixtures", "gemini");
    static final long CREATED = 1_700_000_000L;
    static final String SECRET = "AIzaSyD-test-provider-key-0123456789abc";

    /** Ids in sequence, so expected files can name them. */
    static final class SequentialIds implements IdSource {
        private int calls;
        @Override public String completionId() { return "chatcmpl-test"; }
        @Override public String callId() { return "call_" + (++calls); }
    }

    @TestFactory
    Stream<DynamicTest> everyFixture() throws IOException {
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(ROOT)) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(cases.size() >= 30, "the fixtures folder is where it should be");
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    private void run(Path dir) throws Exception {
        String name = dir.getFileName().toString();
        if (name.startsWith("chat-") || name.startsWith("finish-")) chat(dir, name);
        else if (name.startsWith("stream-")) stream(dir, name);
        else if (name.startsWith("error-")) error(dir, name);
        else if (name.startsWith("embeddings-")) embed(dir, name);
        else fail("unknown kind of case: " + name);
    }

    private void chat(Path dir, String model) throws Exception {
        JsonNode request = exists(dir, "request.json") ? json(dir, "request.json")
                : Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        Properties failure = props(dir, "expected-failure.properties");
        if (failure != null && !exists(dir, "response.json")) {
            UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> GeminiRequestMapper.toGemini(request, model));
            assertFailure(failure, f);
            assertEquals(400, f.upstreamStatus());
            return;
        }
        if (exists(dir, "upstream-request.json")) {
            assertJson(json(dir, "upstream-request.json"), GeminiRequestMapper.toGemini(request, model), "upstream request");
        }
        ObjectNode answer = GeminiResponseMapper.toOpenAi("gem", json(dir, "response.json"), model, CREATED, new SequentialIds());
        assertJson(json(dir, "expected-body.json"), answer, "OpenAI answer");
    }

    private void stream(Path dir, String model) throws Exception {
        JsonNode request = json(dir, "request.json");
        if (exists(dir, "upstream-request.json")) {
            assertJson(json(dir, "upstream-request.json"), GeminiRequestMapper.toGemini(request, model), "upstream request");
        }
        boolean wantsUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        byte[] body = Files.readAllBytes(dir.resolve("response.sse"));
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("expected.jsonl"))) if (!line.isBlank()) expected.add(Json.parse(line));
        Properties failure = props(dir, "expected-failure.properties");
        // Whole, in odd slices, and byte by byte (a CRLF or a UTF-8 character split across reads).
        for (int slice : new int[]{body.length, 7, 1}) {
            GeminiStreamMapper mapper = new GeminiStreamMapper("gem", Credentials.ofKey(SECRET), model, CREATED, new SequentialIds(), wantsUsage);
            List<JsonNode> chunks = new ArrayList<>();
            UpstreamFailure[] failed = {null};
            GeminiStreamDecoder decoder = new GeminiStreamDecoder(doc -> {
                if (failed[0] != null) return;
                GeminiStreamMapper.Step step = mapper.map(doc);
                if (step instanceof GeminiStreamMapper.Failed f) failed[0] = f.failure();
                else for (String c : ((GeminiStreamMapper.Chunks) step).json()) chunks.add(parse(c));
            });
            for (int at = 0; at < body.length; at += slice) {
                decoder.feed(Buffer.buffer(Arrays.copyOfRange(body, at, Math.min(body.length, at + slice))));
            }
            if (failed[0] == null) {
                try {
                    for (String c : mapper.atEnd(decoder.hasIncompleteEvent())) chunks.add(parse(c));
                } catch (UpstreamFailure f) {
                    failed[0] = f;
                }
            }
            assertEquals(expected.size(), chunks.size(), "chunk count with slices of " + slice + ": " + chunks);
            for (int i = 0; i < expected.size(); i++) assertJson(expected.get(i), chunks.get(i), "chunk " + i + " (slices of " + slice + ")");
            if (failure == null) assertNull(failed[0], "the stream should end cleanly");
            else {
                assertNotNull(failed[0], "the stream should fail");
                assertFailure(failure, failed[0]);
            }
        }
    }

    private void error(Path dir, String name) throws Exception {
        Properties meta = props(dir, "meta.properties");
        assertNotNull(meta, "an error case needs meta.properties");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        meta.stringPropertyNames().stream().filter(k -> k.startsWith("header.")).forEach(k -> headers.add(k.substring(7), meta.getProperty(k)));
        Path body = exists(dir, "response.json") ? dir.resolve("response.json") : dir.resolve("response.html");
        UpstreamFailure f = GeminiErrorMapper.toFailure(name, Integer.parseInt(meta.getProperty("status")), headers,
                Buffer.buffer(Files.readAllBytes(body)), Credentials.ofKey(SECRET));
        assertFailure(props(dir, "expected-failure.properties"), f);
        assertEquals(Integer.parseInt(meta.getProperty("status")), f.upstreamStatus());
    }

    private void embed(Path dir, String model) throws Exception {
        JsonNode request = json(dir, "request.json");
        JsonNode input = request.get("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) texts.add(input.asText());
        else input.forEach(t -> texts.add(t.asText()));
        Integer dims = request.hasNonNull("dimensions") ? request.get("dimensions").asInt() : null;
        JsonNode sent = texts.size() == 1 ? GeminiEmbeddingMapper.single(texts.get(0), dims)
                : GeminiEmbeddingMapper.batch(GeminiAdapter.resource(model), texts, dims);
        assertJson(json(dir, "upstream-request.json"), sent, "upstream request");
        Embeddings e = GeminiEmbeddingMapper.toCore(model, json(dir, "response.json"), texts.size());
        JsonNode expected = json(dir, "expected.json");
        assertEquals(expected.get("vectors").size(), e.vectors().size());
        for (int i = 0; i < e.vectors().size(); i++) {
            JsonNode want = expected.get("vectors").get(i);
            float[] got = e.vectors().get(i);
            assertEquals(want.size(), got.length);
            for (int j = 0; j < got.length; j++) assertEquals((float) want.get(j).asDouble(), got[j], 0f);
        }
        assertEquals(expected.get("prompt_tokens").asLong(), e.usage().promptTokens());
    }

    // ---- helpers -------------------------------------------------------------------------

    static void assertFailure(Properties want, UpstreamFailure got) {
        assertEquals(want.getProperty("kind"), got.kind().name(), got.getMessage());
        if (want.containsKey("param")) assertEquals(want.getProperty("param"), got.param());
        if (want.containsKey("retry-after")) assertEquals(Long.parseLong(want.getProperty("retry-after")), got.retryAfterSeconds());
        if (want.containsKey("message-contains")) {
            assertTrue(got.getMessage().contains(want.getProperty("message-contains")), got.getMessage());
        }
        if (want.containsKey("message-excludes")) {
            assertFalse(got.getMessage().contains(want.getProperty("message-excludes")), got.getMessage());
        }
        assertFalse(got.getMessage().contains(SECRET), "the provider key never appears in an error");
    }

    /** Structural equality; both sides go through text so 1 and 1L, say, compare equal. */
    static void assertJson(JsonNode expected, JsonNode actual, String what) throws IOException {
        JsonNode a = Json.parse(Json.write(actual));
        JsonNode e = Json.parse(Json.write(expected));
        if (!e.equals(a)) assertEquals(e.toPrettyString(), a.toPrettyString(), what);
    }

    private static JsonNode parse(String s) {
        try {
            return Json.parse(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    private static boolean exists(Path dir, String file) {
        return Files.exists(dir.resolve(file));
    }

    private static JsonNode json(Path dir, String file) throws IOException {
        return Json.parse(Files.readAllBytes(dir.resolve(file)));
    }

    private static Properties props(Path dir, String file) throws IOException {
        if (!exists(dir, file)) return null;
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve(file), StandardCharsets.UTF_8)));
        return p;
    }
}
