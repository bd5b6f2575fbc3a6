package dev.frugal.provider.local;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.provider.ProviderFactory;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * Creates in-process model adapters. The model (shipped inside a Maven artifact, nothing is
 * downloaded) is the gateway's one {@link SentenceEmbedder}, shared with routing and the cache.
 */
@Singleton
public class LocalFactory implements ProviderFactory {
    private final SentenceEmbedder embedder;

    @Inject
    public LocalFactory(SentenceEmbedder embedder) { this.embedder = embedder; }

    @Override public ProviderKind kind() { return ProviderKind.LOCAL; }

    @Override
    public Object create(ProviderConfig config) {
        // the only local model so far (config.ProvidersCompiler.LOCAL_MODELS)
        return new LocalEmbeddingAdapter(config.name(), embedder.workers(), embedder::model);
    }
}
