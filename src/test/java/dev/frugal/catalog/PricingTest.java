package dev.frugal.catalog;

import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class PricingTest {
    private static final String YAML = """
            providers:
              - { name: openai, kind: openai, base-url: https://api.openai.com/v1 }
              - { name: groq, kind: openai, dialect: groq, base-url: https://api.groq.com/openai/v1 }
              - { name: vllm, kind: openai, dialect: vllm, base-url: http://gpu-box:8000/v1 }
              - { name: ollama, kind: ollama }
              - { name: anthropic, kind: anthropic }
              - { name: azure, kind: azure, base-url: https://example.openai.azure.com }
              - { name: sim, kind: simulator, simulator: { output-tokens: 33 } }
              - { name: in-process, kind: local }
            models:
              - name: gpt-4o-mini
                deployments: [{ provider: openai }]
              - name: mini-dated
                deployments: [{ provider: openai, model: gpt-4o-mini-2024-07-18 }]
              - name: gpt-4o
                deployments: [{ provider: azure, model: my-gpt4o-deployment }]
              - name: house
                price: { input: 0.5, output: 1.5 }
                deployments:
                  - { provider: openai, model: gpt-4o-mini }
                  - { provider: openai, model: gpt-4o, price: { input: 1, cached-input: 0.1, output: 2 } }
                  - { provider: vllm, model: meta-llama/Llama-3.1-8B-Instruct, gpu: { usd-per-hour: 2, output-tokens-per-second: 400 } }
              - name: llama-local
                deployments: [{ provider: vllm, model: meta-llama/Llama-3.3-70B-Instruct }]
              - name: llama-groq
                deployments: [{ provider: groq, model: llama-3.3-70b-versatile }]
              - name: qwen-box
                deployments: [{ provider: ollama, model: "qwen2.5:7b" }]
              - name: claude
                deployments: [{ provider: anthropic, model: claude-sonnet-4-5 }]
              - name: demo
                deployments: [{ provider: sim }]
              - name: priced-demo
                price: { input: 1, output: 2 }
                deployments: [{ provider: sim }]
              - name: minilm
                price: { input: 0, output: 0 }
                deployments: [{ provider: in-process }]
              - name: minilm-unpriced
                deployments: [{ provider: in-process }]
              - name: vllm-gpt-4o
                deployments: [{ provider: vllm, model: gpt-4o }]
            """;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeTime clock = new FakeTime();
    private final Pricing pricing = new Pricing(CatalogTableTest.CATALOG, registry, clock);
    private final FrugalConfig cfg = ConfigCompiler.compile(YAML, name -> null);
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    @BeforeEach
    void captureWarnings() { Logger.getLogger(Pricing.class.getName()).addHandler(capture); }

    @AfterEach
    void stopCapturing() { Logger.getLogger(Pricing.class.getName()).removeHandler(capture); }

    // ---- where a price comes from ---------------------------------------------------------

    @Test
    void catalogPriceByTheDeploymentsUpstreamModel() {
        Price p = price("gpt-4o-mini", 0);
        assertEquals(150_000, p.input());
        assertEquals(Price.Source.CATALOG, p.source());
        assertEquals(CatalogTableTest.CATALOG.version(), p.version());
        assertEquals(p, price("mini-dated", 0), "a dated snapshot is priced as its alias");
        assertEquals(590_000, price("llama-groq", 0).input());
        assertEquals(3_000_000, price("claude", 0).input());
    }

    @Test
    void catalogPriceByTheModelsNameWhenTheUpstreamNameIsUnknown() {
        assertEquals(2_500_000, price("gpt-4o", 0).input(), "an Azure deployment name is not a model id");
    }

    @Test
    void gpuCostBeatsDeploymentPriceBeatsModelPriceBeatsCatalog() {
        Price model = price("house", 0);
        assertEquals(Price.of(Price.Source.CONFIG, 500_000, 500_000, 1_500_000), model, "cached input defaults to input");
        assertEquals("config:500000/500000/1500000", model.version());
        assertEquals(Price.of(Price.Source.CONFIG, 1_000_000, 100_000, 2_000_000), price("house", 1));
        Price gpu = price("house", 2);
        assertEquals(Price.Source.GPU, gpu.source());
        // $2 per hour at 400 output tokens/s: 2 x 10^12 / (3600 x 400) = 1_388_888.9 micro-USD per Mtok ($1.39)
        assertEquals(1_388_889, gpu.output());
        // input defaults to 10x the output speed (4000 tokens/s); cached prompt tokens cost the same
        assertEquals(138_889, gpu.input());
        assertEquals(138_889, gpu.cachedInput());
    }

    @Test
    void gpuPriceFormula() {
        // the catalog's worked example: $2/h, Llama-3.1-8B FP8 on one H100 at 3400 tokens/s -> about $0.16 per Mtok
        assertEquals(163_399, Pricing.gpuPrice(new ModelConfig.Gpu(2_000_000, 3400, 34_000)).output());
        assertEquals(2_500_000, Pricing.gpuPrice(new ModelConfig.Gpu(9_000_000, 1000, 1000)).input()); // $9/h at 1000 tok/s
    }

    @Test
    void theSimulatorIsFreeUnlessPriced() {
        assertSame(Price.FREE, price("demo", 0));
        assertEquals(Price.Source.CONFIG, price("priced-demo", 0).source(), "a price in the file wins, e.g. to test budgets");
    }

    @Test
    void ownHardwareIsNeverPricedFromHostedRows() {
        assertNull(price("llama-local", 0), "an open-weight catalog row has no price");
        assertNull(price("vllm-gpt-4o", 0), "a local server using a hosted model's name is not that hosted model");
        assertNull(price("qwen-box", 0));
        assertNull(price("minilm-unpriced", 0), "the local kind is not free by itself");
        assertEquals(Price.of(Price.Source.CONFIG, 0, 0, 0), price("minilm", 0), "an explicit zero is a price");
    }

    @Test
    void pricesAreComputedOncePerSnapshot() {
        Price gpu = price("house", 2);
        assertSame(gpu, price("house", 2), "looked up, not derived again");
        FrugalConfig reloaded = ConfigCompiler.compile(YAML, name -> null);
        ModelConfig house = reloaded.model("house");
        Price after = pricing.price(reloaded, house, house.deployments().get(2));
        assertEquals(gpu, after);
        assertNotSame(gpu, after, "a new snapshot gets its own table");
        assertSame(gpu, price("house", 2), "the snapshot before a reload is still served by requests that hold it");
    }

    // ---- output limits --------------------------------------------------------------------

    @Test
    void maxOutputTokens() {
        assertEquals(16_384, maxOutput("gpt-4o-mini"));
        assertEquals(64_000, maxOutput("claude"));
        assertEquals(33, maxOutput("demo"), "the simulator's output-tokens");
        assertEquals(131_072, maxOutput("llama-local"), "no max output in the catalog: the context window");
        assertEquals(Pricing.DEFAULT_MAX_OUTPUT_TOKENS, maxOutput("qwen-box"));
    }

    // ---- savings --------------------------------------------------------------------------

    @Test
    void referencePrices() {
        assertEquals(2_500_000, pricing.referencePrice(cfg, "gpt-4o").input(), "a configured model: its first deployment's price");
        assertEquals(500_000, pricing.referencePrice(cfg, "house").input());
        assertEquals(15_000_000, pricing.referencePrice(cfg, "claude-opus-4-1-20250805").input(), "a catalog model id");
        assertEquals(3_000_000, pricing.referencePrice(cfg, "anthropic/claude-sonnet-4-5").input());
        assertNull(pricing.referencePrice(cfg, "llama-local"));
        assertNull(pricing.referencePrice(cfg, "no-such-model"));
        assertNull(pricing.referencePrice(cfg, null));
        assertSame(pricing.referencePrice(cfg, "gpt-4o"), pricing.referencePrice(cfg, "gpt-4o"));
    }

    // ---- unpriced requests ----------------------------------------------------------------

    @Test
    void unpricedRequestsAreCountedAndWarnedAboutAtMostOncePerInterval() {
        pricing.unpriced(cfg, "llama-local");
        pricing.unpriced(cfg, "llama-local");
        pricing.unpriced(cfg, "qwen-box");
        pricing.unpriced(cfg, "not-configured");
        assertEquals(2, registry.get(Pricing.UNPRICED_REQUESTS).tag("model", "llama-local").counter().count());
        assertEquals(1, registry.get(Pricing.UNPRICED_REQUESTS).tag("model", "qwen-box").counter().count());
        assertEquals(1, registry.get(Pricing.UNPRICED_REQUESTS).tag("model", "other").counter().count(), "tags stay bounded");
        assertEquals(3, warnings.size(), "one per model");
        String first = warnings.get(0) instanceof ExtLogRecord e ? e.getFormattedMessage() : warnings.get(0).getMessage();
        assertTrue(first.startsWith("Model 'llama-local' has no price"), first);

        clock.advance(Duration.ofMinutes(10).minusNanos(1));
        pricing.unpriced(cfg, "llama-local");
        assertEquals(3, warnings.size(), "still within the default 10 minutes");
        clock.advance(Duration.ofNanos(1));
        pricing.unpriced(cfg, "llama-local");
        assertEquals(4, warnings.size());
        assertEquals(4, registry.get(Pricing.UNPRICED_REQUESTS).tag("model", "llama-local").counter().count());
    }

    @Test
    void rejectionIsASetting() {
        assertFalse(pricing.rejectUnpriced(cfg));
        FrugalConfig strict = ConfigCompiler.compile("pricing: { reject-unpriced: true }\n" + YAML, name -> null);
        assertTrue(pricing.rejectUnpriced(strict));
        GatewayError e = GatewayError.modelUnpriced("llama-local");
        assertEquals(403, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals("model_unpriced", e.code());
        assertEquals("model", e.param());
        assertTrue(e.getMessage().contains("`llama-local` has no price"));
    }

    private Price price(String model, int deployment) {
        ModelConfig m = cfg.model(model);
        return pricing.price(cfg, m, m.deployments().get(deployment));
    }

    private int maxOutput(String model) {
        ModelConfig m = cfg.model(model);
        return pricing.maxOutputTokens(cfg, m, m.deployments().get(0));
    }
}
