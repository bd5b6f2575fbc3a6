package dev.frugal.provider;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;

/**
 * Creates adapters for one provider kind. Each protocol package contributes one factory bean;
 * there is no central switch over kinds.
 */
public interface ProviderFactory {
    ProviderKind kind();

    /** A new adapter, implementing whichever of the capability interfaces the protocol offers. */
    Object create(ProviderConfig config);
}
