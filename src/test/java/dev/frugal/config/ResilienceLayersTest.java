package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Precedence defaults ← provider ← model ← route, each layer setting only its own fields. */
@Tag("unit")
class ResilienceLayersTest {
    private static final ResilienceSettings DEFAULTS = ResilienceSettings.DEFAULT;

    /** Sections that each set one field, so every layer's contribution stays visible. */
    private static UnaryOperator<ResilienceSettings> retries(int n) {
        return s -> new ResilienceSettings(n, s.backoff(), s.maxBackoff(), s.maxRetryAfter(), s.retryBudget(),
                s.breakerFailures(), s.breakerCooldown(), s.maxConcurrent(), s.firstToken(), s.total(), s.probeInterval(),
                s.breakerFailureRatio(), s.breakerWindow(), s.maxQueue(), s.queueTimeout());
    }

    private static UnaryOperator<ResilienceSettings> firstToken(Duration d) {
        return s -> s.withDeadlines(d, s.total());
    }

    private static UnaryOperator<ResilienceSettings> total(Duration d) {
        return s -> s.withDeadlines(s.firstToken(), d);
    }

    /** Providers box (own retries) and plain; model slow on both (own first token); route fast over slow and chat. */
    private static ResilienceLayers layers() {
        ResilienceLayers.Builder b = ResilienceLayers.builder(DEFAULTS);
        b.provider("box", retries(7));
        b.model("slow", List.of("box", "plain"), firstToken(Duration.ofMinutes(3)));
        b.route("fast", Map.of("slow", List.of("box", "plain"), "chat", List.of("box")), total(Duration.ofSeconds(9)));
        b.route("snappy", Map.of("slow", List.of("box")), firstToken(Duration.ofSeconds(2)));
        return b.build();
    }

    @Test
    void eachLayerOverridesOnlyWhatItSetsOverTheLayerBeneath() {
        ResilienceSettings s = layers().forAttempt("fast", "slow", "box");
        assertEquals(Duration.ofSeconds(9), s.total(), "the route's");
        assertEquals(Duration.ofMinutes(3), s.firstToken(), "the model's, beneath the route");
        assertEquals(7, s.retries(), "the provider's, beneath the model");
        assertEquals(DEFAULTS.breakerFailures(), s.breakerFailures(), "the defaults, beneath everything");
    }

    @Test
    void aHigherLayerWinsOnTheSameField() {
        ResilienceLayers l = layers();
        assertEquals(Duration.ofSeconds(2), l.forAttempt("snappy", "slow", "box").firstToken(), "route over model");
        assertEquals(Duration.ofMinutes(3), l.forModel("slow", "box").firstToken(), "model over defaults");
    }

    @Test
    void aModelLayersOverEachOfItsProvidersSeparately() {
        ResilienceLayers l = layers();
        assertEquals(7, l.forModel("slow", "box").retries());
        assertEquals(DEFAULTS.retries(), l.forModel("slow", "plain").retries());
        assertEquals(Duration.ofMinutes(3), l.forModel("slow", "plain").firstToken());
    }

    @Test
    void whereNoLayerHasASectionTheOneBeneathApplies() {
        ResilienceLayers l = layers();
        assertSame(l.forModel("slow", "box"), l.forAttempt(null, "slow", "box"), "no route: the model alone");
        assertSame(l.forModel("slow", "plain"), l.forAttempt("snappy", "slow", "plain"), "a provider the route did not cover");
        assertSame(l.forProvider("box"), l.forModel("chat", "box"), "a model without a section");
        assertSame(DEFAULTS, l.forAttempt("nowhere", "unknown", "none"), "unknown names: the defaults");
        assertEquals(Duration.ofMinutes(3), l.forModel("slow", "box").firstToken(), "a route never changes the model alone");
    }

    @Test
    void withoutSectionsEveryAttemptHasTheDefaults() {
        ResilienceLayers l = ResilienceLayers.of(DEFAULTS);
        assertSame(DEFAULTS, l.forAttempt("r", "m", "p"));
        assertSame(DEFAULTS, l.defaults());
    }

    @Test
    void aLookupAllocatesNothing() {
        ResilienceLayers l = layers();
        String route = "fast", model = "slow", provider = "plain", other = "chat";
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) sink += l.forAttempt(route, i % 2 == 0 ? model : other, provider).retries();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) sink += l.forAttempt(route, i % 2 == 0 ? model : other, provider).retries();
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 100 000 lookups (" + sink + ")");
    }
}
