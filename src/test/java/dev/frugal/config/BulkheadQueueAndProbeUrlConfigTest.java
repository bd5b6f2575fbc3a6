package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code resilience.max-queue} / {@code queue-timeout} at every level, and {@code providers[].probe-url}. */
@Tag("unit")
class BulkheadQueueAndProbeUrlConfigTest {

    @Test
    void theQueueIsOffByDefaultAndLayeredLikeEveryResilienceSetting() {
        FrugalConfig c = ConfigCompiler.compile("""
                resilience: { queue-timeout: 250ms }
                providers:
                  - { name: gpu, kind: simulator, resilience: { max-concurrent: 4, max-queue: 16 } }
                  - { name: other, kind: simulator }
                models:
                  - name: patient
                    resilience: { queue-timeout: 3s }
                    deployments: [{ provider: gpu }]
                  - name: chat
                    deployments: [{ provider: gpu }, { provider: other }]
                """, v -> null);
        assertEquals(0, ResilienceSettings.DEFAULT.maxQueue(), "no waiting unless asked for");
        assertEquals(Duration.ofSeconds(1), ResilienceSettings.DEFAULT.queueTimeout());
        assertEquals(0, c.resilienceFor("chat", "other").maxQueue());
        assertEquals(16, c.resilienceFor("chat", "gpu").maxQueue());
        assertEquals(Duration.ofMillis(250), c.resilienceFor("chat", "gpu").queueTimeout(), "the top-level default");
        assertEquals(Duration.ofSeconds(3), c.resilienceFor("patient", "gpu").queueTimeout(), "the model's own");
        assertEquals(16, c.resilienceFor("patient", "gpu").maxQueue(), "the provider's, under the model's");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max-queue: -1     | providers[0].resilience.max-queue: must be between 0 and 1000000",
            "max-queue: lots   | providers[0].resilience.max-queue: must be a number",
            "queue-timeout: 5  | providers[0].resilience.queue-timeout: must be a duration such as 250ms, 5s or 2m",
            "max-queu: 3       | providers[0].resilience.max-queu: unknown field (did you mean 'max-queue'?)"})
    void aBadQueueSettingNamesItsPath(String field, String expected) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile(
                "providers: [{ name: p, kind: simulator, resilience: { " + field + " } }]", v -> null));
        assertEquals(expected, e.problems().get(0));
    }

    static ProviderConfig provider(String fields) {
        return ConfigCompiler.compile("providers: [{ name: p, kind: openai, base-url: 'http://gpu:8000/v1', " + fields + " }]",
                v -> null).provider("p");
    }

    @Test
    void aProbePathIsTakenFromTheRootOfTheBaseUrlsHost() {
        assertEquals(URI.create("http://gpu:8000/health"), provider("probe-url: /health").probeUrl());
        assertEquals(URI.create("http://gpu:8000/v1/health?full=1"), provider("probe-url: '/v1/health?full=1'").probeUrl());
    }

    @Test
    void aFullProbeUrlIsKeptAsIs() {
        assertEquals(URI.create("https://status.example.com:9443/ready"),
                provider("probe-url: 'https://status.example.com:9443/ready'").probeUrl());
    }

    @Test
    void withoutAProbeUrlTheProtocolsOwnFreeEndpointIsProbed() {
        assertNull(provider("api-key: k").probeUrl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "probe-url: health           | must be a path starting with / (e.g. /health) or an http:// or https:// URL",
            "probe-url: '//other/health' | must be a path starting with / (e.g. /health) or an http:// or https:// URL",
            "probe-url: 'ftp://h/x'      | must be a path starting with / (e.g. /health) or an http:// or https:// URL with a host",
            "probe-url: '/health#x'      | must not have a #fragment",
            "probe-url: 'a b'            | not a valid URL",
            "probe-url: ''               | must not be empty",
            "probe-url: [/health]        | must be a string"})
    void aBadProbeUrlNamesItsPath(String field, String expected) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> provider(field));
        assertEquals("providers[0].probe-url: " + expected, e.problems().get(0));
    }

    @Test
    void aProviderThatIsNotProbedOverHttpTakesNoProbeUrl() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile(
                "providers: [{ name: s, kind: simulator, probe-url: /health }]", v -> null));
        assertEquals("providers[0].probe-url: not used by kind 'simulator'", e.problems().get(0));
    }
}
