package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code cache} section: defaults, the one line that turns it on, per model or route and per team, and its problems. */
@Tag("unit")
class CacheConfigTest {
    private static final String MODELS = """
            providers: [{ name: sim, kind: simulator }]
            models:
              - { name: chat, deployments: [{ provider: sim }] }
              - { name: faq, deployments: [{ provider: sim }] }
            routes:
              - { name: auto, candidates: [chat, faq] }
            """;

    @Test
    void withoutTheSectionNothingIsCached() {
        CacheSettings c = compile(MODELS).cache();
        assertSame(CacheSettings.OFF, c);
        assertFalse(c.policy("any", "chat").enabled());
        assertFalse(c.anyEnabled());
    }

    @Test
    void oneLineTurnsItOnWithTheDefaults() {
        CachePolicy p = compile("cache: { enabled: true }\n" + MODELS).cache().policy("research", "chat");
        assertEquals(new CachePolicy(true, Duration.ofHours(1), CachePolicy.Scope.TEAM, true, false, 0, SemanticPolicy.OFF), p);
    }

    @Test
    void aModelOrRouteEntryOverridesTheSectionAndATeamEntryOverridesThat() {
        CacheSettings c = compile("""
                cache:
                  enabled: true
                  ttl: 30m
                  hit-cost: 0.25
                  models:
                    faq: { scope: global, deterministic-only: false, ttl: 1d }
                    auto: { enabled: false }
                    chat: { store-length: true, scope: key }
                  teams:
                    legal: { enabled: false }
                    research: { ttl: 5m }
                """ + MODELS).cache();
        assertEquals(new CachePolicy(true, Duration.ofDays(1), CachePolicy.Scope.GLOBAL, false, false, 250_000, SemanticPolicy.OFF), c.policy("x", "faq"));
        assertFalse(c.policy("x", "auto").enabled(), "a route's own entry");
        assertEquals(new CachePolicy(true, Duration.ofMinutes(30), CachePolicy.Scope.KEY, true, true, 250_000, SemanticPolicy.OFF), c.policy("x", "chat"));
        assertFalse(c.policy("legal", "faq").enabled(), "a team that opts out");
        assertEquals(Duration.ofMinutes(5), c.policy("research", "faq").ttl(), "a team's TTL over the model's");
        assertEquals(CachePolicy.Scope.GLOBAL, c.policy("research", "faq").scope());
        assertEquals(Duration.ofMinutes(30), c.policy("x", "unlisted").ttl(), "other names: the section's own fields");
    }

    @Test
    void theSemanticCacheIsOffByDefaultAndAModelsEntryOverridesTheSections() {
        CacheSettings c = compile("""
                cache:
                  enabled: true
                  semantic: { max-false-hit-rate: 0.05 }
                  models:
                    faq: { semantic: { enabled: true, wait: 250ms } }
                    chat: { semantic: { per-entry-proof: false } }
                """ + MODELS).cache();
        assertEquals(new SemanticPolicy(false, 0.05, 0.80, 0.05, 0.05, Duration.ofMillis(100), false), c.policy("x", "chat").semantic());
        assertEquals(new SemanticPolicy(true, 0.05, 0.80, 0.05, 0.05, Duration.ofMillis(250), true), c.policy("x", "faq").semantic(),
                "the per-entry proof is on unless a model or route turns it off");
        assertSame(SemanticPolicy.OFF, compile("cache: { enabled: true }\n" + MODELS).cache().policy("x", "chat").semantic());
    }

    @Test
    void onlyOneModelCanBeCachedWhileTheSectionIsOff() {
        CacheSettings c = compile("cache: { models: { faq: { enabled: true } } }\n" + MODELS).cache();
        assertTrue(c.policy("x", "faq").enabled());
        assertFalse(c.policy("x", "chat").enabled());
        assertTrue(c.anyEnabled());
    }

    @Test
    void aHitIsBilledItsFractionRoundedDownWithoutOverflow() {
        CachePolicy tenth = new CachePolicy(true, Duration.ofHours(1), CachePolicy.Scope.TEAM, true, false, 100_000, SemanticPolicy.OFF);
        assertEquals(12_345, tenth.billedMicros(123_456));
        assertEquals(0, CachePolicy.OFF.billedMicros(123_456), "free by default");
        assertEquals(100_000_000_000_000L, tenth.billedMicros(1_000_000_000_000_000L), "no overflow at the largest costs");
        CachePolicy full = new CachePolicy(true, Duration.ofHours(1), CachePolicy.Scope.TEAM, true, false, 1_000_000, SemanticPolicy.OFF);
        assertEquals(987_654_321L, full.billedMicros(987_654_321L));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "global for everyone | cache: { enabled: true, scope: global } | cache.scope: 'global' shares answers across teams: set it for one model or route, under cache.models.<name>.scope",
            "unknown scope | cache: { scope: world } | cache.scope: must be one of team, key, global",
            "unknown model | cache: { models: { chta: {} } } | cache.models.chta: unknown model or route 'chta' (did you mean 'chat'?)",
            "unknown field | cache: { enable: true } | cache.enable: unknown field (did you mean 'enabled'?)",
            "team field | cache: { teams: { t: { scope: key } } } | cache.teams.t.scope: unknown field",
            "TTL too short | cache: { ttl: 10ms } | cache.ttl: must be between 1s and 365d",
            "not a TTL | cache: { models: { chat: { ttl: soon } } } | cache.models.chat.ttl: must be a duration such as 250ms, 5s or 2m",
            "hit cost above 1 | cache: { hit-cost: 2 } | cache.hit-cost: must be between 0 and 1",
            "hit cost too precise | cache: { hit-cost: 0.0000001 } | cache.hit-cost: at most 6 decimals",
            "not a mapping | cache: on | cache: must be a mapping",
            "bad team name | cache: { teams: { 'a b': {} } } | cache.teams.a b: 'a b' is not a valid name",
            "semantic rate of 0 | cache: { semantic: { max-false-hit-rate: 0 } } | cache.semantic.max-false-hit-rate: must be between 0.0001 and 0.5",
            "semantic unknown field | cache: { semantic: { threshold: 0.9 } } | cache.semantic.threshold: unknown field",
            "semantic proof not a boolean | cache: { semantic: { per-entry-proof: maybe } } | cache.semantic.per-entry-proof: must be true or false",
            "semantic wait too long | cache: { models: { faq: { semantic: { wait: 1m } } } } | cache.models.faq.semantic.wait: must be between 1ms and 10s",
    })
    void problemsNameTheirField(String what, String section, String expected) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> compile(section + "\n" + MODELS));
        assertTrue(e.problems().contains(expected), () -> "expected <" + expected + "> in " + e.problems());
    }

    private static FrugalConfig compile(String yaml) {
        return ConfigCompiler.compile(yaml, name -> null);
    }
}
