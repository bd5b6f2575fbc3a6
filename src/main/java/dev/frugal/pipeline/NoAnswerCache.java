package dev.frugal.pipeline;

import dev.frugal.core.RequestView;
import io.quarkus.arc.DefaultBean;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;

/** The cache stage while there is no cache: finds nothing, stores nothing. */
@ApplicationScoped
@DefaultBean
class NoAnswerCache implements AnswerCache {
    private static final Future<Answer> MISS = Future.succeededFuture();

    @Override public Future<Answer> lookup(Exchange ex, RequestView view) { return MISS; }

    @Override public void store(Exchange ex, Settlement.Settled settled) { }
}
