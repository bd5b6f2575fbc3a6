package dev.frugal.provider;

import dev.frugal.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which probe answers count as healthy, and where a configured probe URL sends the provider's key. */
@Tag("unit")
class ProbesTest {
    @ParameterizedTest
    @CsvSource({"200,true", "204,true", "404,true", "405,true", "401,false", "403,false", "429,false", "500,false",
            "503,false", "302,false"})
    void aServerThatAnswersIsUpUnlessItRefusesTheKeyOrIsOverloadedOrBroken(int status, boolean up) {
        assertEquals(up, Probes.answered(status));
    }

    static UpstreamEndpoint endpoint(String probeUrl) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer sk-secret").add("X-Extra", "x");
        return new UpstreamEndpoint("gpu", 8000, false, "/v1", headers, ProviderConfig.Timeouts.DEFAULT, URI.create(probeUrl));
    }

    @Test
    void aProbeUrlOnTheBaseUrlsOwnHostCarriesTheProvidersHeaders() {
        RequestOptions o = Probes.options(endpoint("http://gpu:8000/health?verbose=1"), URI.create("http://gpu:8000/health?verbose=1"));
        assertEquals("gpu", o.getHost());
        assertEquals(8000, o.getPort());
        assertEquals("/health?verbose=1", o.getURI());
        assertEquals("Bearer sk-secret", o.getHeaders().get("Authorization"));
        assertEquals("x", o.getHeaders().get("X-Extra"));
    }

    @ParameterizedTest
    @CsvSource({"http://status.internal:8000/health, status.internal, 8000, false",
            "http://gpu:9400/metrics/health, gpu, 9400, false",
            "https://gpu/health, gpu, 443, true"})
    void aProbeUrlElsewhereGetsNoCredentials(String url, String host, int port, boolean ssl) {
        RequestOptions o = Probes.options(endpoint(url), URI.create(url));
        assertEquals(host, o.getHost());
        assertEquals(port, o.getPort());
        assertEquals(ssl, o.isSsl());
        assertNull(o.getHeaders().get("Authorization"), "the key stays with its own host");
        assertNull(o.getHeaders().get("X-Extra"));
        assertEquals(ProviderConfig.Timeouts.DEFAULT.connect().toMillis(), o.getConnectTimeout());
    }

    @Test
    void aProbeUrlWithoutAPathAsksForTheRoot() {
        assertEquals("/", Probes.options(endpoint("http://gpu:8000"), URI.create("http://gpu:8000")).getURI());
        assertFalse(Probes.options(endpoint("http://GPU:8000/"), URI.create("http://GPU:8000/")).getHeaders().isEmpty(),
                "host names compare without case");
    }
}
