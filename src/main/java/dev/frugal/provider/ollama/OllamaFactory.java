package dev.frugal.provider.ollama;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Creates adapters for Ollama's native API. */
@Singleton
public class OllamaFactory implements ProviderFactory {
    private final UpstreamHttp http;
    private final TimeSource time;

    @Inject
    public OllamaFactory(UpstreamHttp http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    @Override public ProviderKind kind() { return ProviderKind.OLLAMA; }

    @Override public Object create(ProviderConfig config) { return new OllamaAdapter(config, http, time); }
}
