package dev.frugal.provider.contract;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.gemini.GeminiFactory;
import io.vertx.core.Vertx;

import java.net.URI;

/** The Gemini adapter under the provider contract (fixtures in {@code fixtures/gemini/}, see its NOTE.md). */
class GeminiContractTest extends ProviderContractTest {
    @Override protected String protocol() { return "gemini"; }

    @Override protected ProviderConfig provider(String fakeBaseUrl) {
        return ProviderConfig.http("gemini-contract", ProviderKind.GEMINI, URI.create(fakeBaseUrl), new Secret("test-gemini-secret-456"));
    }

    @Override protected Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx) {
        return new GeminiFactory(http, TimeSource.SYSTEM).create(config);
    }
}
