package dev.frugal.provider.gemini;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;

/** Creates adapters for Google's Gemini API ({@code kind: gemini}). */
@ApplicationScoped
public class GeminiFactory implements ProviderFactory {
    private final UpstreamHttp http;

    @Inject
    public GeminiFactory(UpstreamHttp http) { this.http = http; }

    @Override public ProviderKind kind() { return ProviderKind.GEMINI; }

    @Override public Object create(ProviderConfig config) {
        return new GeminiAdapter(config, http, Clock.systemUTC(), IdSource.RANDOM);
    }
}
