package dev.frugal.catalog;

import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ModelTraits;
import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the gateway knows a model can do and how good it is: the catalog's row under the model's own settings. */
@Tag("unit")
class ModelTraitsTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "'LMArena text overall, style control', 1500, 1.0",
            "'LMArena text overall, style control', 1250, 0.5",
            "'LMArena text overall, style control', 1336, 0.672",
            "'LMArena text overall, style control', 900, 0.0",      // clamped
            "'LMArena text overall, style control', 1600, 1.0",     // clamped
            "'GPQA Diamond pass@1 (%)', 65.2, 0.652",
            "'MMLU 5-shot (%), base model', 68.0, 0.68",
            "'GPQA Diamond pass@1 (%)', 140, NaN",                  // not a percentage
            "'win rate', 0.8, 0.8",                                  // already 0..1
            "'Elo of some other board', 1336, NaN",                  // unknown scale
            "'LMArena text overall, style control', null, NaN",
            "null, 0.4, 0.4"})
    void aQualitySignalBecomesAPriorOn0To1ByItsKind(String signal, Double value, double expected) {
        assertEquals(expected, QualityPrior.normalise(signal, value), 1e-9);
    }

    private final Pricing pricing = new Pricing(CatalogTableTest.CATALOG, new SimpleMeterRegistry(), new FakeTime());
    private final FrugalConfig cfg = ConfigCompiler.compile("""
            providers:
              - { name: openai, kind: openai, base-url: https://api.openai.com/v1 }
              - { name: vllm, kind: openai, dialect: vllm, base-url: http://gpu:8000/v1, local: true }
              - { name: sim, kind: simulator }
            models:
              - { name: gpt-4o, deployments: [{ provider: openai }] }
              - name: tuned-4o
                quality: 0.9
                capabilities: { vision: false }
                deployments: [{ provider: openai, model: gpt-4o }]
              - { name: distill, deployments: [{ provider: vllm, model: deepseek-ai/DeepSeek-R1-Distill-Qwen-7B }] }
              - { name: stand-in, deployments: [{ provider: sim, model: gpt-4o-mini }] }
              - { name: house, deployments: [{ provider: vllm, model: my-own-finetune }] }
            """, v -> null);

    @Test
    void theCatalogRowOfTheDeploymentsModelGivesCapabilitiesContextAndQuality() {
        ModelTraits t = traits("gpt-4o");
        assertEquals(true, t.tools());
        assertEquals(true, t.vision());
        assertEquals(true, t.json());
        assertEquals(128_000, t.contextWindow());
        assertEquals(0.672, t.quality(), 1e-9, "LMArena 1336");
        assertEquals("catalog: LMArena text overall, style control 1336", t.qualitySource());
    }

    @Test
    void theModelsOwnSettingsWinFieldByField() {
        ModelTraits t = traits("tuned-4o");
        assertEquals(0.9, t.quality());
        assertEquals("config", t.qualitySource());
        assertEquals(false, t.vision(), "the config's");
        assertEquals(true, t.tools(), "the catalog's, where the config says nothing");
        assertEquals(128_000, t.contextWindow());
    }

    @Test
    void selfHostedRowsAndSimulatorsStandingInForAModelHaveTraitsToo() {
        assertEquals(0.491, traits("distill").quality(), 1e-9, "GPQA Diamond 49.1 %");
        assertEquals(0.634, traits("stand-in").quality(), 1e-9, "a simulator named after gpt-4o-mini (LMArena 1317)");
        assertSame(ModelTraits.UNKNOWN, traits("house"), "no row, no settings: nothing known, nothing filtered");
        assertTrue(Double.isNaN(traits("house").quality()));
    }

    private ModelTraits traits(String model) {
        ModelConfig m = cfg.model(model);
        return pricing.traits(cfg, m, m.deployments().get(0));
    }
}
