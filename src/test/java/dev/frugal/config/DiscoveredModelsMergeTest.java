package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Discovered models merged into the config snapshot: {@link FrugalConfig#withDiscovered} and {@link ConfigHolder}. */
@Tag("unit")
class DiscoveredModelsMergeTest {

    private static final String YAML = """
            providers:
              - { name: gpu-box, kind: ollama, discover-models: true }
              - { name: cpu-box, kind: ollama, base-url: "http://10.0.0.2:11434" }
            models:
              - { name: "llama3.2:latest", owned-by: admins, deployments: [{ provider: gpu-box, model: "llama3.2:1b" }] }
            teams:
              - { name: t, keys: [frg-key-0001] }
            """;

    private static FrugalConfig file() {
        return ConfigCompiler.compile(YAML, name -> null);
    }

    private static ModelConfig discovered(String name, String... providers) {
        List<ModelConfig.Deployment> ds = java.util.Arrays.stream(providers).map(p -> new ModelConfig.Deployment(p, name, 1)).toList();
        return new ModelConfig(name, ds, ModelConfig.Strategy.ORDERED, providers[0], 1_700_000_000L);
    }

    private static Map<String, ModelConfig> map(ModelConfig... models) {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        for (ModelConfig c : models) m.put(c.name(), c);
        return m;
    }

    @Test
    void discoveredModelsFollowTheConfiguredOnesAndConfiguredNamesWin() {
        FrugalConfig merged = file().withDiscovered(map(discovered("llama3.2:latest", "gpu-box"), discovered("qwen3:8b", "gpu-box")));
        assertEquals(List.of("llama3.2:latest", "qwen3:8b"), List.copyOf(merged.models().keySet()));
        assertEquals("admins", merged.model("llama3.2:latest").ownedBy(), "the configured model wins");
        assertEquals("llama3.2:1b", merged.model("llama3.2:latest").deployments().get(0).upstreamModel());
        assertEquals("gpu-box", merged.model("qwen3:8b").ownedBy());
        assertSame(file().teams().get("t").getClass(), merged.teams().get("t").getClass());
    }

    @Test
    void onlyDeploymentsOnProvidersThatStillDiscoverAreKept() {
        FrugalConfig merged = file().withDiscovered(map(
                discovered("mistral:7b", "cpu-box"),            // discovery off there
                discovered("phi4:14b", "gone-box"),              // no such provider any more
                discovered("gemma3:4b", "cpu-box", "gpu-box")));  // keeps the gpu-box deployment
        assertEquals(List.of("llama3.2:latest", "gemma3:4b"), List.copyOf(merged.models().keySet()));
        assertEquals(List.of("gpu-box"), merged.model("gemma3:4b").deployments().stream().map(ModelConfig.Deployment::provider).toList());
    }

    @Test
    void nothingToAddReturnsTheSameSnapshot() {
        FrugalConfig f = file();
        assertSame(f, f.withDiscovered(Map.of()));
        assertSame(f, f.withDiscovered(map(discovered("llama3.2:latest", "gpu-box"))));
    }

    @Test
    void theHolderPrecomputesTheMergeAndKeepsItAcrossFileReloads() {
        ConfigHolder h = new ConfigHolder();
        AtomicInteger changes = new AtomicInteger();
        h.onChange(c -> changes.incrementAndGet());
        h.set(file());
        h.discovered(map(discovered("qwen3:8b", "gpu-box")));
        FrugalConfig first = h.get();
        assertEquals(2, first.models().size());
        assertSame(first, h.get(), "get() reads the precomputed snapshot");
        assertEquals(1, h.fileConfig().models().size(), "the file alone");

        h.discovered(map(discovered("qwen3:8b", "gpu-box")));
        assertSame(first, h.get(), "an unchanged discovery changes nothing");
        assertEquals(2, changes.get());

        h.set(file()); // a reload
        assertEquals(List.of("llama3.2:latest", "qwen3:8b"), List.copyOf(h.get().models().keySet()));
        assertNotSame(first, h.get());

        h.set(ConfigCompiler.compile(YAML.replace("discover-models: true", "discover-models: false"), name -> null));
        assertEquals(List.of("llama3.2:latest"), List.copyOf(h.get().models().keySet()), "discovery turned off: gone at once");
    }
}
