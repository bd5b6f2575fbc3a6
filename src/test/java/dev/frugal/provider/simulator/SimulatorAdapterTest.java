package dev.frugal.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator speaks the OpenAI protocol: plain, streamed, tool calls, and its failure modes. */
@Tag("unit")
class SimulatorAdapterTest {
    static Vertx vertx;

    @BeforeAll static void start() { vertx = Vertx.vertx(); }

    @AfterAll static void stop() { vertx.close(); }

    static SimulatorAdapter adapter(double failureRate, boolean midStream) {
        ProviderConfig.SimulatorSettings s = new ProviderConfig.SimulatorSettings(Duration.ZERO, Duration.ofMillis(1), 10_000,
                8, failureRate, 503, midStream);
        ProviderConfig c = new ProviderConfig("sim", ProviderKind.SIMULATOR, null, null, Map.of(), null,
                ProviderConfig.Timeouts.DEFAULT, s, null, null, 4096, false, null);
        RandomGenerator alwaysZero = () -> 0L; // nextDouble() == 0.0 < any positive failure rate
        return new SimulatorAdapter(c, vertx, alwaysZero, TimeSource.SYSTEM);
    }

    static GenerationCall call(String body, boolean stream, boolean usage) throws Exception {
        return new GenerationCall("req-1", Operation.CHAT, new ModelConfig.Deployment("sim", "sim-model", 1),
                (ObjectNode) Json.parse(body), stream, usage);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Collects a whole stream on the event loop. */
    static List<JsonNode> collect(ChunkStream s, CompletableFuture<Throwable> end) {
        List<JsonNode> chunks = new ArrayList<>();
        vertx.runOnContext(v -> s.start(new ChunkStream.Handler() {
            @Override public void onChunk(String json) {
                try { chunks.add(Json.parse(json)); } catch (Exception e) { end.complete(e); }
            }
            @Override public void onEnd() { end.complete(null); }
            @Override public void onError(Throwable failure) { end.complete(failure); }
        }));
        return chunks;
    }

    static final String HELLO = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @Test
    void aPlainAnswerIsAChatCompletionWithUsage() throws Exception {
        Completion c = await(adapter(0, false).chat(call(HELLO, false, false)));
        JsonNode r = Json.parse(c.body());
        assertEquals("chat.completion", r.get("object").asText());
        assertEquals("sim-model", r.get("model").asText());
        assertTrue(r.at("/choices/0/message/content").asText().startsWith("This is a simulated answer"));
        assertEquals(8, c.usage().completionTokens());
        assertEquals("stop", r.at("/choices/0/finish_reason").asText());
    }

    @Test
    void maxTokensBelowTheOutputEndsWithLength() throws Exception {
        Completion c = await(adapter(0, false).chat(call(HELLO.replace("{\"model\"", "{\"max_tokens\":3,\"model\""), false, false)));
        assertEquals("length", Json.parse(c.body()).at("/choices/0/finish_reason").asText());
        assertEquals(3, c.usage().completionTokens());
    }

    @Test
    void aStreamStartsWithTheRoleAndEndsWithFinishAndTheRequestedUsage() throws Exception {
        ChunkStream s = await(adapter(0, false).chatStream(call(HELLO, true, true)));
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        List<JsonNode> chunks = collect(s, end);
        assertEquals(null, end.get(5, TimeUnit.SECONDS));
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(8, usage.at("/usage/completion_tokens").asInt());
        assertEquals(1 + 8 + 2, chunks.size());
        assertEquals(8, s.usage().completionTokens());
    }

    @Test
    void offeredToolsAreCalledWithSchemaShapedArgumentsSplitAcrossChunks() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
                + "\"days\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]}}}}}]}";
        ChunkStream s = await(adapter(0, false).chatStream(call(body, true, false)));
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        List<JsonNode> chunks = collect(s, end);
        assertEquals(null, end.get(5, TimeUnit.SECONDS));
        StringBuilder args = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode tc = c.at("/choices/0/delta/tool_calls/0/function/arguments");
            if (!tc.isMissingNode()) args.append(tc.asText());
        }
        assertEquals("{\"city\":\"sample\",\"days\":1,\"unit\":\"c\"}", args.toString());
        assertEquals("get_weather", chunks.get(1).at("/choices/0/delta/tool_calls/0/function/name").asText());
        assertTrue(chunks.stream().filter(c -> c.at("/choices/0/delta/tool_calls").isArray()).count() > 2, "arguments arrive in pieces");
        assertEquals("tool_calls", chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText());
    }

    @Test
    void afterAToolResultTheSimulatorAnswersInText() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}";
        Completion c = await(adapter(0, false).chat(call(body, false, false)));
        assertEquals("stop", Json.parse(c.body()).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aSimulatedFailureIsAClassifiedUpstreamFailureBeforeTheFirstByte() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(adapter(1.0, false).chatStream(call(HELLO, true, false))));
        UpstreamFailure f = assertInstanceOf(UpstreamFailure.class, e.getCause());
        assertEquals(UpstreamFailure.Kind.OVERLOADED, f.kind());
        assertTrue(f.retryable());
    }

    @Test
    void aMidStreamFailureArrivesAfterSomeChunks() throws Exception {
        ChunkStream s = await(adapter(1.0, true).chatStream(call(HELLO, true, false)));
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        List<JsonNode> chunks = collect(s, end);
        assertInstanceOf(UpstreamFailure.class, end.get(5, TimeUnit.SECONDS));
        assertEquals(1 + 4, chunks.size(), "the role chunk and half of the 8 tokens");
    }
}
