package dev.frugal.routing.quality;

import java.util.List;

/**
 * Predicts each candidate model's quality for a prompt from its features: what {@link OfflineEvaluation}
 * replays and a route's {@code Scorer} calls. {@link QualityEstimator} is the gateway's.
 */
@FunctionalInterface
public interface QualityPredictor {
    /**
     * @param prompt the prompt's embedding and size
     * @param models    the candidate models, as the route's shortlist lists them
     * @return one predicted quality per model (0..1, or NaN for none), in the order of {@code models}
     */
    double[] estimate(PromptFeatures prompt, List<String> models);
}
