package dev.frugal.provider.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.wire.Json;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one contract every provider adapter is held to: the same cases, run against the adapter
 * and a {@link FakeUpstream} that replays the provider's own wire format.
 *
 * <p>Each case is a folder {@code src/test/resources/fixtures/<protocol>/<case>/} holding:
 * <ul>
 *   <li>{@code request.json} — what the client sends, in OpenAI's format (a chat request, or an
 *       embeddings request when it has {@code input}); {@code stream} and
 *       {@code stream_options.include_usage} decide how the adapter is called;</li>
 *   <li>{@code response.json|sse|ndjson|html} and optional {@code meta.properties} — the upstream's
 *       answer, byte for byte (see {@link FakeUpstream}); the deployment's upstream model is the
 *       case name, which is how the fake finds the folder;</li>
 *   <li>{@code upstream-request.json} (optional) — the body the adapter must send, compared
 *       structurally ({@code "*"} matches any value);</li>
 *   <li>{@code expected.json} — the outcome: {@code content}, {@code reasoning_content},
 *       {@code tool_calls} ({@code id}, {@code name}, parsed {@code arguments}),
 *       {@code finish_reason}, {@code usage} ({@code prompt_tokens}, {@code completion_tokens},
 *       {@code cached_tokens}, {@code reasoning_tokens}), and for failures {@code error}
 *       ({@code kind}, {@code status} the client gets, {@code retry_after}); for embeddings
 *       {@code vectors} and {@code prompt_tokens}. Only the fields written are compared;
 *       {@code "*"} matches any value;</li>
 *   <li>or {@code unsupported.txt} — the protocol cannot do this; the adapter must fail with a
 *       400-class error whose message says "not supported" (or lack the capability). Never skipped.</li>
 * </ul>
 * Streams are also checked for OpenAI's shape: the role chunk first, one usage chunk at the end
 * exactly when the client asked for it, and none otherwise.
 */
@Tag("unit")
public abstract class ProviderContractTest {
    /** Every case, for every adapter. */
    public static final List<String> CASES = List.of(
            "chat-basic", "chat-system", "chat-multi-turn", "chat-tools", "chat-parallel-tools", "chat-json-mode",
            "chat-image", "finish-length", "finish-content-filter",
            "stream-basic", "stream-tools", "stream-crlf", "stream-truncated", "stream-error-event",
            "error-400", "error-401", "error-404", "error-413", "error-429", "error-500", "error-529",
            "embeddings-single", "embeddings-batch");

    static Vertx vertx;
    static FakeUpstream upstream;
    static UpstreamHttp http;
    static String baseUrl;

    /** The fixtures folder: {@code openai}, {@code anthropic}, {@code gemini}, {@code ollama}, {@code azure}. */
    protected abstract String protocol();

    /** The provider under test, pointed at {@code fakeBaseUrl} ({@code http://127.0.0.1:<port>}). */
    protected abstract ProviderConfig provider(String fakeBaseUrl);

    /** A new adapter for the provider, as its factory would make it. */
    protected abstract Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx);

    @BeforeAll
    static void startUpstream() throws Exception {
        vertx = Vertx.vertx();
        upstream = new FakeUpstream();
        baseUrl = "http://127.0.0.1:" + upstream.start();
        http = new UpstreamHttp(vertx, 16);
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
        vertx.close();
    }

    @TestFactory
    Stream<DynamicTest> contract() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(protocol() + "/" + c, () -> run(c)));
    }

    private void run(String name) throws Exception {
        String dir = "fixtures/" + protocol() + "/" + name + "/";
        byte[] requestBytes = resource(dir + "request.json");
        boolean unsupported = resource(dir + "unsupported.txt") != null;
        if (requestBytes == null) {
            fail("case '" + name + "' has no fixture for " + protocol() + ": add " + dir
                    + "request.json (and response, expected.json), or unsupported.txt saying why");
        }
        ObjectNode request = (ObjectNode) Json.parse(requestBytes);
        ProviderConfig config = provider(baseUrl);
        Object adapter = adapter(config, http, vertx);
        ModelConfig.Deployment deployment = new ModelConfig.Deployment(config.name(), name, 1);
        upstream.clear();

        JsonNode outcome = request.has("input") ? embeddings(adapter, deployment, request) : chat(adapter, deployment, request);
        if (unsupported) {
            JsonNode error = outcome.path("error");
            assertTrue(error.path("status").asInt() == 400 && error.path("message").asText().contains("not supported"),
                    "case '" + name + "' is marked unsupported: expected a 400 saying 'not supported', got " + outcome);
            return;
        }
        byte[] expected = resource(dir + "expected.json");
        if (expected == null) fail("case '" + name + "' has no " + dir + "expected.json; its outcome was " + outcome);
        assertMatches(Json.parse(expected), outcome, "outcome");
        byte[] upstreamRequest = resource(dir + "upstream-request.json");
        if (upstreamRequest != null) {
            FakeUpstream.Received got = upstream.last();
            if (got == null) fail("case '" + name + "': nothing reached the upstream");
            assertMatches(Json.parse(upstreamRequest), Json.parse(got.body().encode()), "upstream request");
        }
    }

    // ---- calling the adapter on an event loop, as the gateway does ---------------------------

    private JsonNode chat(Object adapter, ModelConfig.Deployment deployment, ObjectNode request) throws Exception {
        if (!(adapter instanceof ChatCapable chat)) return unsupported("chat completions");
        boolean stream = request.path("stream").asBoolean(false);
        boolean wantsUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        GenerationCall call = new GenerationCall("req_contract", Operation.CHAT, deployment, request, stream, wantsUsage);
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            if (!stream) {
                chat.chat(call).onComplete(ar -> result.complete(ar.succeeded() ? whole(ar.result()) : failure(ar.cause())));
                return;
            }
            chat.chatStream(call).onComplete(ar -> {
                if (ar.failed()) { result.complete(failure(ar.cause())); return; }
                ChunkStream s = ar.result();
                List<JsonNode> chunks = new ArrayList<>();
                s.start(new ChunkStream.Handler() {
                    @Override public void onChunk(String json) {
                        try { chunks.add(Json.parse(json)); } catch (IOException e) { result.completeExceptionally(e); }
                    }
                    @Override public void onEnd() { result.complete(streamed(chunks, s.usage(), null, wantsUsage)); }
                    @Override public void onError(Throwable t) { result.complete(streamed(chunks, s.usage(), t, wantsUsage)); }
                });
            });
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private JsonNode embeddings(Object adapter, ModelConfig.Deployment deployment, ObjectNode request) throws Exception {
        if (!(adapter instanceof EmbeddingCapable embed)) return unsupported("embeddings");
        JsonNode input = request.get("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) texts.add(input.asText());
        else input.forEach(t -> texts.add(t.asText()));
        EmbeddingCall call = new EmbeddingCall("req_contract", deployment, texts, request, null);
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> embed.embed(call).onComplete(ar -> {
            if (ar.failed()) { result.complete(failure(ar.cause())); return; }
            Embeddings e = ar.result();
            ObjectNode o = Json.object();
            ArrayNode vectors = o.putArray("vectors");
            for (float[] vec : e.vectors()) {
                ArrayNode a = vectors.addArray();
                for (float f : vec) a.add(f);
            }
            o.put("prompt_tokens", e.usage().promptTokens());
            result.complete(o);
        }));
        return result.get(10, TimeUnit.SECONDS);
    }

    // ---- outcomes ------------------------------------------------------------------------------

    private static JsonNode unsupported(String what) {
        ObjectNode o = Json.object();
        o.putObject("error").put("status", 400).put("message", what + " are not supported by this adapter");
        return o;
    }

    private static JsonNode failure(Throwable t) {
        ObjectNode o = Json.object();
        ObjectNode e = o.putObject("error");
        if (t instanceof UpstreamFailure f) {
            GatewayError client = f.toClientError();
            e.put("kind", f.kind().name()).put("status", client.status()).put("retry_after", f.retryAfterSeconds())
                    .put("message", f.getMessage());
            if (f.param() != null) e.put("param", f.param());
        } else if (t instanceof GatewayError g) {
            e.put("status", g.status()).put("message", g.getMessage());
            if (g.param() != null) e.put("param", g.param());
        } else {
            e.put("kind", "UNEXPECTED").put("status", 500).put("message", String.valueOf(t));
        }
        return o;
    }

    private static JsonNode whole(Completion c) {
        JsonNode body;
        try {
            body = Json.parse(c.body());
        } catch (IOException e) {
            throw new AssertionError("the adapter's answer is not JSON", e);
        }
        assertEquals("chat.completion", body.path("object").asText(), "object of " + body);
        assertTrue(body.hasNonNull("id") && body.hasNonNull("model") && body.path("created").canConvertToLong(), "id, model, created: " + body);
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        assertEquals("assistant", message.path("role").asText(), "role of " + body);
        ObjectNode o = Json.object();
        o.set("content", message.path("content").isMissingNode() ? Json.nodes().nullNode() : message.get("content"));
        if (message.hasNonNull("reasoning_content")) o.set("reasoning_content", message.get("reasoning_content"));
        if (message.path("tool_calls").isArray() && !message.get("tool_calls").isEmpty()) {
            ArrayNode calls = o.putArray("tool_calls");
            for (JsonNode tc : message.get("tool_calls")) {
                assertEquals("function", tc.path("type").asText(), "tool call type in " + body);
                calls.add(call(tc.path("id").asText(), tc.path("function").path("name").asText(), tc.path("function").path("arguments").asText()));
            }
        }
        o.set("finish_reason", choice.get("finish_reason"));
        o.set("usage", usage(c.usage()));
        return o;
    }

    private static JsonNode streamed(List<JsonNode> chunks, Usage usage, Throwable failure, boolean wantsUsage) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, String[]> calls = new java.util.TreeMap<>(); // index → id, name, arguments
        String finish = null;
        boolean usageChunk = false;
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode c = chunks.get(i);
            assertEquals("chat.completion.chunk", c.path("object").asText(), "object of chunk " + c);
            JsonNode choices = c.path("choices");
            assertTrue(choices.isArray(), "choices of chunk " + c);
            if (choices.isEmpty()) {
                if (c.hasNonNull("usage")) usageChunk = true;
                continue;
            }
            if (c.hasNonNull("usage")) usageChunk = true;
            JsonNode delta = choices.path(0).path("delta");
            if (i == 0) assertEquals("assistant", delta.path("role").asText(), "the first chunk carries the role: " + c);
            if (delta.hasNonNull("content")) content.append(delta.get("content").asText());
            if (delta.hasNonNull("reasoning_content")) reasoning.append(delta.get("reasoning_content").asText());
            for (JsonNode tc : delta.path("tool_calls")) {
                String[] call = calls.computeIfAbsent(tc.path("index").asInt(), k -> new String[]{null, null, ""});
                if (tc.hasNonNull("id")) call[0] = tc.get("id").asText();
                if (tc.path("function").hasNonNull("name")) call[1] = tc.path("function").get("name").asText();
                if (tc.path("function").hasNonNull("arguments")) call[2] += tc.path("function").get("arguments").asText();
            }
            if (choices.path(0).hasNonNull("finish_reason")) finish = choices.path(0).get("finish_reason").asText();
        }
        if (failure == null) {
            assertEquals(wantsUsage, usageChunk, wantsUsage ? "the client asked for a usage chunk" : "a usage chunk the client did not ask for");
        }
        ObjectNode o = failure == null ? Json.object() : (ObjectNode) failure(failure);
        o.put("content", content.length() == 0 && !calls.isEmpty() ? null : content.toString());
        if (reasoning.length() > 0) o.put("reasoning_content", reasoning.toString());
        if (!calls.isEmpty()) {
            ArrayNode arr = o.putArray("tool_calls");
            calls.values().forEach(c -> arr.add(call(c[0], c[1], c[2])));
        }
        if (finish != null) o.put("finish_reason", finish);
        o.set("usage", usage(usage));
        o.put("chunks", chunks.size());
        return o;
    }

    private static ObjectNode call(String id, String name, String arguments) {
        ObjectNode o = Json.object().put("id", id).put("name", name);
        try {
            o.set("arguments", arguments.isEmpty() ? Json.object() : Json.parse(arguments));
        } catch (IOException e) {
            o.put("arguments", arguments); // not JSON: compared as text
        }
        return o;
    }

    private static ObjectNode usage(Usage u) {
        Usage v = u == null ? Usage.NONE : u;
        return Json.object().put("prompt_tokens", v.promptTokens()).put("completion_tokens", v.completionTokens())
                .put("cached_tokens", v.cachedTokens()).put("reasoning_tokens", v.reasoningTokens());
    }

    // ---- structural comparison -----------------------------------------------------------------

    /** Every field of {@code expected} must be in {@code actual} with an equal value; "*" matches anything. */
    static void assertMatches(JsonNode expected, JsonNode actual, String path) {
        if (expected.isTextual() && expected.asText().equals("*")) {
            assertTrue(actual != null && !actual.isMissingNode(), path + " is missing");
            return;
        }
        if (expected.isObject()) {
            assertTrue(actual != null && actual.isObject(), path + ": expected an object, got " + actual);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode a = actual.get(e.getKey());
                if (e.getValue().isNull()) {
                    assertTrue(a == null || a.isNull(), path + "." + e.getKey() + ": expected null, got " + a);
                } else {
                    assertTrue(a != null, path + "." + e.getKey() + " is missing in " + actual);
                    assertMatches(e.getValue(), a, path + "." + e.getKey());
                }
            }
        } else if (expected.isArray()) {
            assertTrue(actual != null && actual.isArray() && actual.size() == expected.size(),
                    path + ": expected " + expected.size() + " items, got " + actual);
            for (int i = 0; i < expected.size(); i++) assertMatches(expected.get(i), actual.get(i), path + "[" + i + "]");
        } else if (expected.isNumber()) {
            assertTrue(actual != null && actual.isNumber() && Math.abs(expected.asDouble() - actual.asDouble()) < 1e-6,
                    path + ": expected " + expected + ", got " + actual);
        } else {
            assertEquals(expected, actual, path);
        }
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = ProviderContractTest.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
