package dev.frugal.provider.azure;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Creates adapters for Azure OpenAI resources. */
@Singleton
public class AzureFactory implements ProviderFactory {
    private final UpstreamHttp http;
    private final TimeSource time;

    @Inject
    public AzureFactory(UpstreamHttp http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    @Override public ProviderKind kind() { return ProviderKind.AZURE; }

    @Override public Object create(ProviderConfig config) { return new AzureAdapter(config, http, time); }
}
