package dev.frugal.routing;

import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;

/** One planned try: a deployment of a model and the provider that serves it. */
public record Attempt(String model, ModelConfig.Deployment deployment, ProviderConfig provider) {}
