package dev.frugal.catalog;

import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.Price;
import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped configs price what they serve: the default config entirely, and any example that refuses unpriced models. */
@Tag("unit")
class ShippedPricesTest {
    private final Pricing pricing = new Pricing(CatalogTableTest.CATALOG, new SimpleMeterRegistry(), TimeSource.SYSTEM);

    @Test
    void theDefaultConfigPricesEveryModel() throws IOException {
        FrugalConfig cfg = load(Path.of("config", "frugal.yaml"));
        assertEquals(List.of(), unpriced(cfg));
        ModelConfig minilm = cfg.model("all-minilm-l6-v2");
        assertEquals(Price.Source.CONFIG, pricing.price(cfg, minilm, minilm.deployments().get(0)).source());
    }

    @Test
    void examplesThatRefuseUnpricedModelsPriceAllOfThem() throws IOException {
        int strict = 0;
        try (var files = Files.list(Path.of("config", "examples"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                FrugalConfig cfg = load(p);
                if (!cfg.pricing().rejectUnpriced()) continue;
                strict++;
                assertEquals(List.of(), unpriced(cfg), p.toString());
            }
        }
        assertTrue(strict > 0, "some example shows reject-unpriced");
    }

    @Test
    void theGpuExamplePricesItsOwnHardware() throws IOException {
        FrugalConfig cfg = load(Path.of("config", "examples", "vllm-llamacpp.yaml"));
        ModelConfig llama = cfg.model("llama-3.1-8b");
        Price vllm = pricing.price(cfg, llama, llama.deployments().get(0));
        assertEquals(Price.Source.GPU, vllm.source());
        assertEquals(365_979, vllm.output()); // $2/h at 1518 tokens/s = $0.37 per million output tokens
    }

    private List<String> unpriced(FrugalConfig cfg) {
        List<String> out = new ArrayList<>();
        for (ModelConfig m : cfg.models().values()) {
            for (ModelConfig.Deployment d : m.deployments()) {
                if (pricing.price(cfg, m, d) == null) out.add(m.name() + " on " + d.provider());
            }
        }
        return out;
    }

    private static FrugalConfig load(Path p) throws IOException {
        return ConfigCompiler.compile(Files.readString(p), name -> "frg-value-of-" + name);
    }
}
