package dev.frugal.provider.anthropic;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.wire.Json;
import dev.frugal.wire.SseDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Runs every case under {@code fixtures/anthropic/} through the pure mappers, without I/O. A case
 * folder holds whichever of these apply:
 * <ul>
 *   <li>{@code request.json} — the OpenAI request a client sent (a one-line user turn if absent);</li>
 *   <li>{@code upstream-request.json} — the Anthropic body the adapter must send, compared structurally;</li>
 *   <li>{@code response.json} / {@code response.sse} + {@code meta.properties} — the upstream's answer, byte-exact;</li>
 *   <li>{@code golden.json} — exactly what the mappers must produce: {@code completion} (the whole
 *       OpenAI body), {@code chunks} (every OpenAI stream chunk), {@code failure} ({@code kind},
 *       {@code status}, {@code param}, {@code retry_after}, {@code message_contains}) and {@code usage}
 *       (what the gateway meters);</li>
 *   <li>{@code unsupported.txt} — the case cannot be served by Anthropic; why.</li>
 * </ul>
 * The same folders serve the provider contract ({@code AnthropicContractTest}, which reads the coarser
 * {@code expected.json}) and are replayed over HTTP by {@code FakeUpstream} in {@code AnthropicAdapterE2ETest}.
 * As in the contract, the deployment's upstream model is the case name.
 */
@Tag("unit")
class AnthropicFixturesTest {
    static final Path ROOT = Path.of("src", "test", "resources", "fixtures", "anthropic");
    static final long CREATED = 1_700_000_000L;
    static final String SECRET = "sk-ant-api03-fixture-secret-0123456789";
    static final ProviderConfig CONFIG = ProviderConfig.http("anthropic", ProviderKind.ANTHROPIC,
            URI.create("https://api.anthropic.com"), null);
    static final ModelConfig.Deployment DEPLOYMENT = new ModelConfig.Deployment("anthropic", "claude-sonnet-4-5-20250929", 1);

    static ModelConfig.Deployment deployment(Path dir) {
        return new ModelConfig.Deployment("anthropic", dir.getFileName().toString(), 1);
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureCase() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            List<Path> cases = dirs.filter(Files::isDirectory).sorted().toList();
            assertFalse(cases.isEmpty());
            return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
        }
    }

    private void run(Path dir) throws Exception {
        if (Files.exists(dir.resolve("unsupported.txt"))) {
            // Only embeddings are unsupported as a whole: the adapter must not claim the capability.
            assertTrue(dir.getFileName().toString().startsWith("embeddings"), "unexpected unsupported case " + dir);
            Object adapter = new AnthropicFactory(null, TimeSource.SYSTEM).create(CONFIG);
            assertFalse(adapter instanceof EmbeddingCapable, "Anthropic has no embeddings API");
            return;
        }
        JsonNode expected = read(dir, "golden.json");
        assertNotNull(expected, dir + " has no golden.json");
        ObjectNode request = (ObjectNode) (Files.exists(dir.resolve("request.json")) ? read(dir, "request.json")
                : Json.parse("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"));
        boolean hasResponse = Files.exists(dir.resolve("response.json")) || Files.exists(dir.resolve("response.sse"));

        if (!hasResponse) { // a request Anthropic cannot take
            UpstreamFailure f = assertThrows(UpstreamFailure.class,
                    () -> AnthropicRequestMapper.toAnthropic(request, deployment(dir), CONFIG));
            assertFailure(expected.get("failure"), f);
            return;
        }
        ObjectNode upstream = AnthropicRequestMapper.toAnthropic(request, deployment(dir), CONFIG);
        JsonNode wanted = read(dir, "upstream-request.json");
        if (wanted != null) assertEquals(normal(wanted), normal(upstream), "the body sent to Anthropic");

        Properties meta = meta(dir);
        int status = Integer.parseInt(meta.getProperty("status", "200"));
        boolean jsonMode = AnthropicRequestMapper.jsonMode(request);
        if (Files.exists(dir.resolve("response.sse"))) {
            stream(dir, request, expected, jsonMode);
        } else if (status != 200) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            meta.stringPropertyNames().stream().filter(k -> k.startsWith("header."))
                    .forEach(k -> headers.set(k.substring(7), meta.getProperty(k)));
            UpstreamFailure f = AnthropicErrorMapper.toFailure("anthropic", status, headers,
                    Buffer.buffer(Files.readAllBytes(dir.resolve("response.json"))), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
            assertFailure(expected.get("failure"), f);
        } else {
            JsonNode body = read(dir, "response.json");
            ObjectNode openAi = AnthropicResponseMapper.toOpenAi(body, CREATED, jsonMode, true);
            assertEquals(normal(expected.get("completion")), normal(openAi), "the OpenAI answer");
            assertUsage(expected.get("usage"), AnthropicResponseMapper.usage(body).toCore());
        }
    }

    private void stream(Path dir, ObjectNode request, JsonNode expected, boolean jsonMode) throws IOException {
        boolean wantsUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        AnthropicStreamMapper mapper = new AnthropicStreamMapper("anthropic", Credentials.ofKey(SECRET), CREATED, jsonMode, true, wantsUsage);
        List<String> chunks = new ArrayList<>();
        UpstreamFailure[] failure = {null};
        SseDecoder decoder = new SseDecoder((event, data) -> {
            if (failure[0] != null) return;
            AnthropicStreamMapper.Step step = mapper.map(event, data);
            if (step instanceof AnthropicStreamMapper.Emit e) chunks.addAll(e.chunks());
            else if (step instanceof AnthropicStreamMapper.Failed f) failure[0] = f.failure();
        });
        byte[] bytes = Files.readAllBytes(dir.resolve("response.sse"));
        // Fed in small pieces, as a network delivers them: events and lines split anywhere.
        for (int i = 0; i < bytes.length; i += 7) {
            decoder.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
        }
        if (failure[0] == null) {
            try {
                mapper.atEnd(decoder.hasIncompleteEvent());
            } catch (UpstreamFailure f) {
                failure[0] = f;
            }
        }
        ArrayNode got = Json.nodes().arrayNode();
        for (String c : chunks) got.add(Json.parse(c));
        assertEquals(normal(expected.get("chunks")), normal(got), "the OpenAI chunks");
        if (expected.hasNonNull("failure")) assertFailure(expected.get("failure"), failure[0]);
        else assertNull(failure[0], () -> "unexpected failure: " + failure[0].getMessage());
        assertUsage(expected.get("usage"), mapper.usage());
    }

    static void assertFailure(JsonNode want, UpstreamFailure got) {
        assertNotNull(want, "a failure was not expected");
        if (got == null) fail("expected a " + want.get("kind").asText() + " failure, got none");
        assertEquals(want.get("kind").asText(), got.kind().name(), got.getMessage());
        if (want.has("status")) assertEquals(want.get("status").asInt(), got.upstreamStatus());
        if (want.has("param")) assertEquals(want.get("param").isNull() ? null : want.get("param").asText(), got.param());
        if (want.has("retry_after")) assertEquals(want.get("retry_after").asLong(), got.retryAfterSeconds());
        if (want.has("message_contains")) {
            assertTrue(got.getMessage().contains(want.get("message_contains").asText()), got.getMessage());
        }
        assertFalse(got.getMessage().contains(SECRET.substring(0, 12)), "the provider key never reaches a client");
    }

    static void assertUsage(JsonNode want, Usage got) {
        if (want == null) return;
        assertEquals(new Usage(want.get("prompt").asLong(), want.get("completion").asLong(), want.get("cached").asLong(),
                want.get("reasoning").asLong()), got);
    }

    /** Numbers compared by value, whatever node type built them. */
    static JsonNode normal(JsonNode n) throws IOException {
        return n == null ? null : Json.parse(Json.write(n));
    }

    static JsonNode read(Path dir, String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Json.parse(Files.readAllBytes(p)) : null;
    }

    static Properties meta(Path dir) throws IOException {
        Properties p = new Properties();
        Path m = dir.resolve("meta.properties");
        if (Files.exists(m)) p.load(new StringReader(Files.readString(m)));
        return p;
    }
}
