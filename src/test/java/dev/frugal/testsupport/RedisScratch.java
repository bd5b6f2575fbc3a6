package dev.frugal.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x instance and a plain client on the real Redis ({@link RequiresRedis}) for tests of the
 * stores that keep state there: each test class makes one, each test uses its own key prefix, reads
 * and deletes the keys under it.
 */
public final class RedisScratch implements AutoCloseable {
    public final Vertx vertx = Vertx.vertx();
    public final Redis admin = Redis.createClient(vertx, RequiresRedis.URL);

    /** Every key under {@code prefix} (SCAN, so a busy shared Redis is not blocked). */
    public List<String> keys(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response r = await(admin.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000)));
            cursor = r.get(0).toString();
            for (Response k : r.get(1)) keys.add(k.toString());
        } while (!"0".equals(cursor));
        return keys;
    }

    /** Deletes every key under {@code prefix}. */
    public void deleteKeys(String prefix) throws Exception {
        for (String k : keys(prefix)) await(admin.send(Request.cmd(Command.DEL).arg(k)));
    }

    public static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        await(vertx.close());
    }
}
