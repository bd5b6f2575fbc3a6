package dev.frugal.config;

import dev.frugal.core.Price;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code models[].price}, {@code models[].deployments[].price|gpu} and the top-level {@code pricing} section. */
@Tag("unit")
class PricingConfigTest {
    private static final String PROVIDERS = """
            providers:
              - { name: box, kind: openai, dialect: vllm, base-url: http://127.0.0.1:8000/v1 }
            """;

    @Test
    void pricesAreMicroUsdPerMillionTokens() {
        FrugalConfig c = compile(PROVIDERS + """
                models:
                  - name: a
                    price: { input: 0.15, cached-input: 0.075, output: 0.6 }
                    deployments: [{ provider: box }]
                  - name: b
                    price: { input: "2.5", output: 10 }
                    deployments:
                      - { provider: box, price: { input: 0.0000005, output: 0 } }
                  - name: c
                    deployments: [{ provider: box }]
                """);
        assertEquals(new Price(150_000, 75_000, 600_000, "config:150000/75000/600000", Price.Source.CONFIG), c.model("a").price());
        assertEquals(Price.of(Price.Source.CONFIG, 2_500_000, 2_500_000, 10_000_000), c.model("b").price(), "cached-input defaults to input");
        assertEquals(Price.of(Price.Source.CONFIG, 1, 1, 0), c.model("b").deployments().get(0).price(), "below a micro-dollar: half up");
        assertNull(c.model("c").price());
        assertNull(c.model("c").deployments().get(0).price());
        assertNull(c.model("c").deployments().get(0).gpu());
        assertEquals(PricingSettings.DEFAULT, c.pricing());
    }

    @Test
    void gpuCost() {
        FrugalConfig c = compile(PROVIDERS + """
                models:
                  - name: llama
                    deployments:
                      - { provider: box, gpu: { usd-per-hour: 2.5, output-tokens-per-second: 400, input-tokens-per-second: 6000 } }
                      - { provider: box, gpu: { usd-per-hour: "1.10", output-tokens-per-second: 37.5 } }
                """);
        assertEquals(new ModelConfig.Gpu(2_500_000, 400, 6000), c.model("llama").deployments().get(0).gpu());
        assertEquals(new ModelConfig.Gpu(1_100_000, 37.5, 375), c.model("llama").deployments().get(1).gpu(),
                "input speed defaults to " + Defaults.GPU_INPUT_SPEEDUP + "x output");
    }

    @Test
    void pricingSection() {
        FrugalConfig c = compile("pricing: { reject-unpriced: true, unpriced-warning-interval: 1h }\n" + PROVIDERS
                + "models: [{ name: m, deployments: [{ provider: box }] }]\n");
        assertTrue(c.pricing().rejectUnpriced());
        assertEquals(Duration.ofHours(1), c.pricing().unpricedWarningInterval());
        assertFalse(compile("pricing: {}\n" + PROVIDERS + "models: [{ name: m, deployments: [{ provider: box }] }]\n")
                .pricing().rejectUnpriced());
    }

    @Test
    void theOldConstructorsStillWork() {
        ModelConfig.Deployment d = new ModelConfig.Deployment("p", "m", 1);
        assertNull(d.price());
        assertNull(new ModelConfig("m", java.util.List.of(d), ModelConfig.Strategy.ORDERED, "frugal", 0).price());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "negative price | price: { input: -0.1, output: 1 } | models[0].price.input: must not be negative",
            "not a number | price: { input: cheap, output: 1 } | models[0].price.input: must be an amount in USD, e.g. 12.5",
            "a list | price: { input: [1], output: 1 } | models[0].price.input: must be an amount in USD, e.g. 12.5",
            "a boolean | price: { input: 1, output: true } | models[0].price.output: must be an amount in USD, e.g. 12.5",
            "output missing | price: { input: 1 } | models[0].price.output: is required",
            "input null | price: { input: null, output: 1 } | models[0].price.input: is required",
            "a scalar | price: 0.15 | models[0].price: must be a mapping",
            "unknown field | price: { input: 1, output: 1, cached: 0.5 } | models[0].price.cached: unknown field",
            "unknown field close to a known one | price: { input: 1, output: 1, cached_input: 0.5 } | models[0].price.cached_input: unknown field (did you mean 'cached-input'?)",
            "cached negative | price: { input: 1, cached-input: -1, output: 1 } | models[0].price.cached-input: must not be negative",
    })
    void modelPriceProblems(String what, String price, String expected) {
        assertProblem(PROVIDERS + "models:\n  - name: m\n    " + price + "\n    deployments: [{ provider: box }]\n", expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gpu without output speed | gpu: { usd-per-hour: 2 } | models[0].deployments[0].gpu.output-tokens-per-second: is required",
            "gpu without cost | gpu: { output-tokens-per-second: 100 } | models[0].deployments[0].gpu.usd-per-hour: is required",
            "zero speed | gpu: { usd-per-hour: 2, output-tokens-per-second: 0 } | models[0].deployments[0].gpu.output-tokens-per-second: must be between 0.1 and 1000000000",
            "negative cost | gpu: { usd-per-hour: -2, output-tokens-per-second: 10 } | models[0].deployments[0].gpu.usd-per-hour: must not be negative",
            "speed as text | gpu: { usd-per-hour: 2, output-tokens-per-second: fast } | models[0].deployments[0].gpu.output-tokens-per-second: must be a number",
            "unknown gpu field | gpu: { usd-per-hour: 2, output-tokens-per-second: 10, gpus: 2 } | models[0].deployments[0].gpu.gpus: unknown field",
            "gpu as a list | gpu: [2, 10] | models[0].deployments[0].gpu: must be a mapping",
            "both price and gpu | price: { input: 1, output: 1 }, gpu: { usd-per-hour: 2, output-tokens-per-second: 10 } | models[0].deployments[0]: set either price or gpu, not both",
            "deployment price problem | price: { input: 1, output: -1 } | models[0].deployments[0].price.output: must not be negative",
    })
    void deploymentProblems(String what, String fields, String expected) {
        assertProblem(PROVIDERS + "models:\n  - name: m\n    deployments:\n      - { provider: box, " + fields + " }\n", expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a boolean | pricing: { reject-unpriced: yes please } | pricing.reject-unpriced: must be true or false",
            "bad interval | pricing: { unpriced-warning-interval: often } | pricing.unpriced-warning-interval: must be a duration such as 250ms, 5s or 2m",
            "unknown field | pricing: { reject: true } | pricing.reject: unknown field",
            "not a mapping | pricing: true | pricing: must be a mapping",
    })
    void pricingSectionProblems(String what, String section, String expected) {
        assertProblem(section + "\n" + PROVIDERS + "models: [{ name: m, deployments: [{ provider: box }] }]\n", expected);
    }

    private static FrugalConfig compile(String yaml) {
        return ConfigCompiler.compile(yaml, name -> null);
    }

    private static void assertProblem(String yaml, String expected) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> compile(yaml));
        assertTrue(e.problems().contains(expected), () -> "expected <" + expected + "> in " + e.problems());
    }
}
