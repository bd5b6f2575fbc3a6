package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Resilience settings layer: defaults ← provider ← model. */
@Tag("unit")
class ModelResilienceTest {
    @Test
    void aModelsSectionOverridesItsProvidersWhichOverrideTheDefaults() {
        FrugalConfig c = ConfigCompiler.compile("""
                resilience: { retries: 2, total-timeout: 5m }
                providers:
                  - { name: box, kind: simulator, resilience: { first-token-timeout: 20s } }
                  - { name: other, kind: simulator }
                models:
                  - name: slow-reasoner
                    resilience: { first-token-timeout: 3m }
                    deployments: [{ provider: box }, { provider: other }]
                  - name: chat
                    deployments: [{ provider: box }]
                """, v -> null);
        assertEquals(Duration.ofMinutes(3), c.resilienceFor("slow-reasoner", "box").firstToken());
        assertEquals(Duration.ofMinutes(3), c.resilienceFor("slow-reasoner", "other").firstToken());
        assertEquals(2, c.resilienceFor("slow-reasoner", "box").retries(), "the default still applies underneath");
        assertEquals(Duration.ofSeconds(20), c.resilienceFor("chat", "box").firstToken(), "the provider's own");
        assertEquals(Duration.ofSeconds(60), c.resilienceFor("chat", "other").firstToken(), "the built-in default");
        assertEquals(Duration.ofMinutes(5), c.resilienceFor("chat", "other").total());
    }

    @Test
    void aBadModelSectionNamesItsPath() {
        InvalidConfigException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile("""
                providers: [{ name: box, kind: simulator }]
                models:
                  - { name: m, deployments: [{ provider: box }], resilience: { retries: many } }
                """, v -> null));
        assertEquals("models[0].resilience.retries: must be a number", e.problems().get(0));
    }

    @Test
    void aSectionIsCheckedEvenWhereItLayersOverNothing() {
        InvalidConfigException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile("""
                providers: [{ name: box, kind: simulator }]
                models:
                  - { name: "bad name", deployments: [{ provider: box }], resilience: { retries: many } }
                routes:
                  - { name: r, candidates: [], resilience: { backoff: soon } }
                """, v -> null));
        assertEquals(java.util.List.of(
                "models[0].name: 'bad name' is not a valid name (letters, digits and . _ : / @ -, at most 128)",
                "models[0].resilience.retries: must be a number",
                "routes[0].candidates: must name at least one model",
                "routes[0].resilience.backoff: must be a duration such as 250ms, 5s or 2m"), e.problems());
    }
}
