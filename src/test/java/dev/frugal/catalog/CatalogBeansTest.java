package dev.frugal.catalog;

import dev.frugal.config.ConfigHolder;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.Price;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The catalog beans inside the running gateway: the shipped catalog loaded at start, prices for the live config. */
@QuarkusTest
class CatalogBeansTest {
    @Inject Catalog catalog;
    @Inject Pricing pricing;
    @Inject TokenCounter tokens;
    @Inject ConfigHolder config;
    @Inject MeterRegistry registry;

    @Test
    void theShippedCatalogPricesTheLiveConfig() {
        assertEquals(CatalogTableTest.CATALOG.version(), catalog.version());
        FrugalConfig cfg = config.get();
        ModelConfig sim = cfg.model("sim-chat");
        assertSame(Price.FREE, pricing.price(cfg, sim, sim.deployments().get(0)));
        assertEquals(12, pricing.maxOutputTokens(cfg, sim, sim.deployments().get(0)), "the simulator's output-tokens");
        ModelConfig minilm = cfg.model("minilm");
        assertNull(pricing.price(cfg, minilm, minilm.deployments().get(0)), "no price in the test config");

        double before = count();
        pricing.unpriced(cfg, "minilm");
        assertEquals(before + 1, count());
        assertEquals(new TokenCounter.Count(6, true), tokens.preload().count("gpt-4o", "tiktoken is great!"));
    }

    private double count() {
        var c = registry.find(Pricing.UNPRICED_REQUESTS).tag("model", "minilm").counter();
        return c == null ? 0 : c.count();
    }
}
