package dev.frugal.config;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few long-lived connections to Redis, over which commands are pipelined: each command is
 * written at once on the next connection in turn, without waiting for the answers to earlier
 * ones, and Redis answers each connection's commands in order (as Lettuce multiplexes one
 * connection). A pooled client instead holds a connection for a whole round trip, so a burst of
 * 200 admissions over 16 connections waits for 13 round trips in a row.
 * <p>
 * Deadlines: a command fails when its connection has not read its answer {@code within} after it
 * was written. The timer runs on the connection's own event loop, which reads what arrived before
 * it runs its timers: a loop kept busy by a burst of requests then reads a late-read answer as
 * answered, and only a Redis that really did not answer in time fails the command. (A timer on
 * another loop fired while the answer already waited in the socket, and a cold replica's first
 * burst was refused with 503 though Redis had answered in a millisecond.)
 * <p>
 * A connection that fails or ends is replaced when it is next used; one that cannot be opened
 * {@code within} fails the commands sent to it (a refused one at once). Thread-safe; never blocks.
 * The one way Frugal talks to Redis: the quota store and the response cache's cluster tier.
 */
public final class RedisPipelines {
    /** An open connection and the context of its event loop. */
    private record Link(RedisConnection connection, Context context) {}

    private final Vertx vertx;
    private final Redis client;
    private final AtomicReferenceArray<Future<Link>> links;
    private final AtomicInteger next = new AtomicInteger();

    private RedisPipelines(Vertx vertx, Redis client, int links) {
        this.vertx = vertx;
        this.client = client;
        this.links = new AtomicReferenceArray<>(links);
    }

    /**
     * {@code links} connections to the Redis at {@code url}, opened on first use (or by {@link #open});
     * a connection gives up opening after {@code connectTimeoutMillis}. Links live as long as this, never
     * recycled; the client has room for them and their replacements.
     */
    public static RedisPipelines to(Vertx vertx, String url, int links, long connectTimeoutMillis) {
        RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(2 * links).setMaxPoolWaiting(4 * links)
                .setPoolRecycleTimeout(-1);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutMillis)));
        return new RedisPipelines(vertx, Redis.createClient(vertx, options), links);
    }

    /** Writes {@code request} on the next connection in turn; its answer, or a failure (no answer {@code within} ms, a broken connection). */
    public Future<Response> send(Request request, long withinMillis) {
        return link(Math.floorMod(next.getAndIncrement(), links.length()), withinMillis)
                .compose(l -> send(l, request, withinMillis));
    }

    /** Opens every connection that is not open yet; succeeds when each has answered a {@code PING}. */
    public Future<Void> open(long withinMillis) {
        List<Future<Response>> answers = new ArrayList<>(links.length());
        for (int i = 0; i < links.length(); i++) {
            answers.add(link(i, withinMillis).compose(l -> send(l, Request.cmd(Command.PING), withinMillis)));
        }
        return Future.all(answers).mapEmpty();
    }

    /** Closes the connections and the client. */
    public void close() {
        for (int i = 0; i < links.length(); i++) {
            Future<Link> f = links.getAndSet(i, null);
            if (f != null) f.onSuccess(l -> l.connection().close());
        }
        client.close();
    }

    private Future<Response> send(Link l, Request request, long within) {
        Promise<Response> answer = Promise.promise();
        l.context().runOnContext(v -> {
            long timer = vertx.setTimer(within, t -> answer.tryFail(new TimeoutException("Redis did not answer within " + within + " ms")));
            l.connection().send(request).onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) answer.tryComplete(ar.result());
                else answer.tryFail(ar.cause());
            });
        });
        return answer.future();
    }

    private Future<Link> link(int i, long within) {
        while (true) {
            Future<Link> current = links.get(i);
            if (current != null && !current.failed()) return current;
            Promise<Link> opening = Promise.promise();
            if (!links.compareAndSet(i, current, opening.future())) continue; // another command is opening it
            long timer = vertx.setTimer(within, t -> opening.tryFail(
                    new TimeoutException("Redis did not accept a connection within " + within + " ms")));
            client.connect().onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.failed()) {
                    opening.tryFail(ar.cause());
                    return;
                }
                RedisConnection c = ar.result();
                Context context = Vertx.currentContext(); // the connection's event loop: its future completes there
                c.exceptionHandler(e -> {
                    if (links.compareAndSet(i, opening.future(), null)) c.close();
                });
                c.endHandler(v -> links.compareAndSet(i, opening.future(), null));
                if (!opening.tryComplete(new Link(c, context != null ? context : vertx.getOrCreateContext()))) {
                    c.close(); // it opened too late: back to the pool
                }
            });
            return opening.future();
        }
    }
}
