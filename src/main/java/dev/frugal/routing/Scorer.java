package dev.frugal.routing;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Predicts, for one request, the quality of each candidate model's answer (e.g. from the examples
 * nearest to the prompt's embedding). It may be slow or blocking, so it runs off the event loop and
 * before the decision: the pipeline calls it (through {@link RoutePlanner#plan(Shortlist, Object, Scorer,
 * java.util.concurrent.Executor, java.util.random.RandomGenerator)}) only when the shortlist's strategy
 * {@linkplain RoutingStrategy#readsQuality() reads quality}, and the strategy then reads the scores it gave.
 *
 * @param <R> what the scorer reads of the request (the pipeline's typed view of it)
 */
@FunctionalInterface
public interface Scorer<R> {
    /**
     * @param models the candidate models, as {@link Shortlist#models()} lists them
     * @return one predicted quality (0..1, or NaN for no estimate) per model, in the same order; the stage
     *         may complete on any thread
     */
    CompletionStage<double[]> score(R request, List<String> models);
}
