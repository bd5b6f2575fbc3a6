package dev.frugal.provider.contract;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.ollama.OllamaFactory;
import io.vertx.core.Vertx;

import java.net.URI;

/** The Ollama native adapter under the provider contract (fixtures in {@code fixtures/ollama/}, see its NOTE.md). */
class OllamaContractTest extends ProviderContractTest {
    @Override protected String protocol() { return "ollama"; }

    @Override protected ProviderConfig provider(String fakeBaseUrl) {
        return ProviderConfig.http("ollama-contract", ProviderKind.OLLAMA, URI.create(fakeBaseUrl), null);
    }

    @Override protected Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx) {
        return new OllamaFactory(http, TimeSource.SYSTEM).create(config);
    }
}
