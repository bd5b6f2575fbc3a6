package dev.frugal.provider.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class AzureRequestsTest {

    private static final ModelConfig.Deployment GPT4O = new ModelConfig.Deployment("az", "gpt-4o-prod", 1);

    private static ObjectNode body(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(nullValues = "null", value = {
            "2024-10-21, /chat/completions, gpt-4o-prod, /openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
            "2024-10-21, /completions, gpt-35-instruct, /openai/deployments/gpt-35-instruct/completions?api-version=2024-10-21",
            "2025-04-01-preview, /embeddings, text-embedding-3-small, /openai/deployments/text-embedding-3-small/embeddings?api-version=2025-04-01-preview",
            "2024-10-21, /chat/completions, my deployment/x, /openai/deployments/my%20deployment%2Fx/chat/completions?api-version=2024-10-21",
            "null, /chat/completions, gpt-4o-prod, /openai/v1/chat/completions",
            "null, /embeddings, text-embedding-3-small, /openai/v1/embeddings"})
    void pathSelectsTheApiStyle(String apiVersion, String op, String deployment, String expected) {
        assertEquals(expected, AzureRequests.path(apiVersion, op, deployment));
    }

    @Test
    void bodyKeepsEveryClientFieldAndNamesTheDeployment() {
        ObjectNode client = body("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"developer\",\"content\":\"x\"}],"
                + "\"max_completion_tokens\":9,\"data_sources\":[{\"type\":\"azure_search\"}]}");
        ObjectNode out = AzureRequests.toAzure(new GenerationCall("r", Operation.CHAT, GPT4O, client, false, false));
        assertEquals("gpt-4o-prod", out.get("model").asText());
        assertEquals(9, out.get("max_completion_tokens").asInt());
        assertEquals("developer", out.at("/messages/0/role").asText());
        assertEquals("azure_search", out.at("/data_sources/0/type").asText(), "Azure extensions pass through");
        assertFalse(out.has("stream_options"));
        assertEquals("gpt-4o", client.get("model").asText(), "the client's body is not changed (fallbacks reuse it)");
    }

    @Test
    void streamsAlwaysAskForUsageAndKeepTheClientsOtherStreamOptions() {
        ObjectNode client = body("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}}");
        ObjectNode out = AzureRequests.toAzure(new GenerationCall("r", Operation.CHAT, GPT4O, client, true, false));
        assertTrue(out.at("/stream_options/include_usage").asBoolean());
        assertFalse(out.at("/stream_options/include_obfuscation").asBoolean(true));
        assertFalse(client.get("stream_options").has("include_usage"));
    }

    @Test
    void embeddingsAskForFloats() {
        ObjectNode client = body("{\"model\":\"emb\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":256}");
        ObjectNode out = AzureRequests.embeddingsToAzure(new EmbeddingCall("r",
                new ModelConfig.Deployment("az", "text-embedding-3-small", 1), List.of("a", "b"), client, 256));
        assertEquals("text-embedding-3-small", out.get("model").asText());
        assertEquals("float", out.get("encoding_format").asText());
        assertEquals(256, out.get("dimensions").asInt());
        assertEquals(2, out.get("input").size());
    }
}
