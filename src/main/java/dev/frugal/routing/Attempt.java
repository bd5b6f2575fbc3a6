package dev.frugal.routing;

import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;

/**
 * One planned try: a deployment of a model and the provider that serves it.
 *
 * @param route the route that chose the model, or null when the client named the model
 */
public record Attempt(String model, ModelConfig.Deployment deployment, ProviderConfig provider, String route) {
    public Attempt(String model, ModelConfig.Deployment deployment, ProviderConfig provider) {
        this(model, deployment, provider, null);
    }
}
