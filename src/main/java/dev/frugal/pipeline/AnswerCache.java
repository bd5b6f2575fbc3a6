package dev.frugal.pipeline;

import dev.frugal.core.RequestView;
import io.vertx.core.Future;

/**
 * The cache stage: looked up after the request's view is read and before it is planned (a hit
 * ends the request early, unplanned and unadmitted), and told of every settled request
 * afterwards, to store what was served. Keys are {@link RequestView#cacheKey}, scoped to the
 * caller's team. {@link NoAnswerCache} is the one in use until the cache is written.
 */
interface AnswerCache {
    /** A stored answer to this request, or null; never fails. Called on the event loop. */
    Future<Answer> lookup(Exchange ex, RequestView view);

    /** After a request is settled: store its answer if it should be. Must not block or throw. */
    void store(Exchange ex, Settlement.Settled settled);
}
