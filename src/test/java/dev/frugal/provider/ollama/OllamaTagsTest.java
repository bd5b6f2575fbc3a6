package dev.frugal.provider.ollama;

import dev.frugal.config.ModelConfig;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class OllamaTagsTest {

    @Test
    void eachTagIsAModelOwnedByTheProviderCreatedWhenModified() throws IOException {
        Map<String, ModelConfig> m = OllamaTags.toModels("gpu-box", Json.parse(Fixtures.bytes("tags", "response.json")));
        assertEquals(List.of("llama3.2:latest", "qwen3:8b", "ollama-chat"), List.copyOf(m.keySet()));
        ModelConfig llama = m.get("llama3.2:latest");
        assertEquals(List.of(new ModelConfig.Deployment("gpu-box", "llama3.2:latest", 1)), llama.deployments());
        assertEquals("gpu-box", llama.ownedBy());
        assertEquals(1_790_843_400L, llama.created(), "2026-10-01T08:30:00.123456789Z");
        assertEquals(1_789_499_052L, m.get("qwen3:8b").created(), "2026-09-15T21:04:12.5+02:00");
    }

    @Test
    void unusableEntriesAreSkippedAndAnUnreadableDateIsZero() throws IOException {
        Map<String, ModelConfig> m = OllamaTags.toModels("box", Json.parse("""
                {"models":[{"name":""},{"model":"from-model-field","modified_at":"yesterday"},{"name":"dup"},{"name":"dup"},
                 {"name":"%s"}]}""".formatted("x".repeat(129))));
        assertEquals(List.of("from-model-field", "dup"), List.copyOf(m.keySet()));
        assertEquals(0, m.get("from-model-field").created());
        assertEquals(Map.of(), OllamaTags.toModels("box", Json.parse("{}")));
    }

    @Test
    void aModelOnSeveralBoxesGetsADeploymentPerBoxInProviderOrder() {
        Map<String, ModelConfig> a = OllamaTags.toModels("a-box", tags("llama3.2:latest", "phi4:14b"));
        Map<String, ModelConfig> b = OllamaTags.toModels("b-box", tags("llama3.2:latest", "qwen3:8b"));
        Map<String, ModelConfig> merged = OllamaTags.merge(List.of(a, b));
        assertEquals(List.of("llama3.2:latest", "phi4:14b", "qwen3:8b"), List.copyOf(merged.keySet()));
        assertEquals(List.of("a-box", "b-box"), merged.get("llama3.2:latest").deployments().stream().map(ModelConfig.Deployment::provider).toList());
        assertEquals("a-box", merged.get("llama3.2:latest").ownedBy());
    }

    private static com.fasterxml.jackson.databind.JsonNode tags(String... names) {
        var root = Json.object();
        var models = root.putArray("models");
        for (String n : names) models.addObject().put("name", n).put("modified_at", "2026-01-01T00:00:00Z");
        return root;
    }
}
