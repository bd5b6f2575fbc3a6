package dev.frugal.provider.contract;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.azure.AzureFactory;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.Map;

/**
 * The Azure OpenAI adapter under the provider contract, in the dated API style (the deployment in
 * the path names the case; fixtures in {@code fixtures/azure/}, see its NOTE.md).
 */
class AzureContractTest extends ProviderContractTest {
    @Override protected String protocol() { return "azure"; }

    @Override protected ProviderConfig provider(String fakeBaseUrl) {
        ProviderConfig p = ProviderConfig.http("azure-contract", ProviderKind.AZURE, URI.create(fakeBaseUrl), new Secret("azure-test-key-0123456789"));
        return new ProviderConfig(p.name(), p.kind(), p.baseUrl(), p.apiKey(), Map.of(), p.dialect(), p.timeouts(), null, null,
                "2024-10-21", p.defaultMaxTokens(), false, null);
    }

    @Override protected Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx) {
        return new AzureFactory(http, TimeSource.SYSTEM).create(config);
    }
}
