package dev.frugal.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request body {@link OpenAiAdapter} sends upstream; pure, so the adapter is built without an HTTP client. */
@Tag("unit")
class OpenAiAdapterToUpstreamTest {

    private static final String CLIENT_BODY = """
            {"model":"gpt-4o-mini","stream":true,
             "messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Hi"}],
             "max_completion_tokens":64,"temperature":0.2,
             "stream_options":{"include_usage":false,"continuous_usage_stats":true},
             "seed":7,"vendor_extension":{"keep":["me",1]}}
            """;

    private static ObjectNode upstream(String dialect, String body, boolean stream, boolean clientWantsUsage) {
        ProviderConfig config = new ProviderConfig("p", ProviderKind.OPENAI, URI.create("http://127.0.0.1:8000/v1"),
                new Secret("sk-test-secret-123456"), Map.of(), dialect, ProviderConfig.Timeouts.DEFAULT, null, null, null, 4096, false, null);
        OpenAiAdapter adapter = new OpenAiAdapter(config, null, TimeSource.SYSTEM); // the constructor never touches the client
        GenerationCall call = new GenerationCall("req_1", Operation.CHAT,
                new ModelConfig.Deployment("p", "llama3.2:latest", 1), parse(body), stream, clientWantsUsage);
        return adapter.toUpstream(call);
    }

    private static ObjectNode upstream(String dialect) {
        return upstream(dialect, CLIENT_BODY, true, false);
    }

    @Test
    void modelIsReplacedByTheDeploymentsUpstreamModel() {
        assertEquals("llama3.2:latest", upstream("openai").get("model").asText());
    }

    @Test
    void unknownFieldsArePassedThrough() {
        ObjectNode b = upstream("openai");
        assertEquals(parse("{\"keep\":[\"me\",1]}"), b.get("vendor_extension"));
        assertEquals(7, b.get("seed").asInt());
        assertEquals(0.2, b.get("temperature").asDouble());
        assertTrue(b.get("stream").asBoolean());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "ollama", "mistral", "deepseek", "llamacpp"})
    void theClientsBodyIsNeverChanged(String dialect) {
        ObjectNode original = parse(CLIENT_BODY);
        ObjectNode before = original.deepCopy();
        ProviderConfig config = new ProviderConfig("p", ProviderKind.OPENAI, URI.create("http://h/v1"), null, Map.of(),
                dialect, ProviderConfig.Timeouts.DEFAULT, null, null, null, 4096, false, null);
        new OpenAiAdapter(config, null, TimeSource.SYSTEM).toUpstream(new GenerationCall("req_1", Operation.CHAT,
                new ModelConfig.Deployment("p", "up", 1), original, true, false));
        assertEquals(before, original);
    }

    @Test
    void openAiDialectAlwaysAsksForStreamUsageAndKeepsOtherStreamOptions() {
        JsonNode so = upstream("openai").get("stream_options");
        assertTrue(so.get("include_usage").asBoolean(), "usage is needed for accounting even if the client did not ask");
        assertTrue(so.get("continuous_usage_stats").asBoolean());
    }

    @Test
    void streamOptionsAreAddedWhenTheClientSentNone() {
        ObjectNode b = upstream("openai", "{\"model\":\"m\",\"stream\":true,\"messages\":[]}", true, false);
        assertEquals(parse("{\"include_usage\":true}"), b.get("stream_options"));
    }

    @Test
    void mistralDialectGetsNoStreamOptions() {
        assertFalse(upstream("mistral").has("stream_options"));
    }

    @Test
    void streamOptionsAreRemovedFromANonStreamedRequest() {
        assertFalse(upstream("openai", CLIENT_BODY, false, false).has("stream_options"));
    }

    @Test
    void ollamaDialectSendsDeveloperAsSystem() {
        JsonNode messages = upstream("ollama").get("messages");
        assertEquals("system", messages.get(0).get("role").asText());
        assertEquals("Be brief.", messages.get(0).get("content").asText());
        assertEquals("user", messages.get(1).get("role").asText());
    }

    @Test
    void ollamaDialectSendsMaxTokensInsteadOfMaxCompletionTokens() {
        ObjectNode b = upstream("ollama");
        assertEquals(64, b.get("max_tokens").asInt());
        assertFalse(b.has("max_completion_tokens"));
    }

    @Test
    void explicitMaxTokensWinsOverMaxCompletionTokensForLegacyDialects() {
        ObjectNode b = upstream("ollama", "{\"model\":\"m\",\"messages\":[],\"max_tokens\":10,\"max_completion_tokens\":64}",
                false, false);
        assertEquals(10, b.get("max_tokens").asInt());
    }

    @Test
    void openAiDialectKeepsDeveloperRoleAndMaxCompletionTokens() {
        ObjectNode b = upstream("openai");
        assertEquals("developer", b.get("messages").get(0).get("role").asText());
        assertEquals(64, b.get("max_completion_tokens").asInt());
        assertFalse(b.has("max_tokens"));
    }

    @Test
    void unknownDialectBehavesLikeOpenAi() {
        assertEquals(upstream("openai"), upstream("no-such-dialect"));
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
