package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.catalog.TokenCounter;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.RequestView;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * The features stage: reads a validated request once into its {@link RequestView}, with the
 * prompt estimated by {@link TokenCounter} (a fast estimate, never the tokenizer: this runs on
 * the event loop for every request).
 */
@Singleton
class Features {
    @Inject TokenCounter tokens;

    RequestView read(Exchange ex, RequestView.Kind kind, ObjectNode body) {
        String model = body.path("model").asText("");
        long prompt = tokens.promptTokens(upstreamModel(ex.config, model), body);
        long limit = kind == RequestView.Kind.EMBEDDINGS ? 0 : tokens.maxTokens(body);
        RequestView view = RequestView.of(kind, body, prompt, limit);
        ex.view = view;
        ex.streamed = view.stream();
        return view;
    }

    /**
     * The upstream model the request most likely goes to, for the estimate (images count by model
     * family): a model's first deployment, a route's first candidate's; else the name asked for.
     */
    static String upstreamModel(FrugalConfig config, String name) {
        RouteConfig route = config.route(name);
        ModelConfig m = config.model(route != null && !route.candidates().isEmpty() ? route.candidates().get(0) : name);
        return m == null || m.deployments().isEmpty() ? name : m.deployments().get(0).upstreamModel();
    }
}
