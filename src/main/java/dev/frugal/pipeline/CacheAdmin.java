package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.cache.ExactCache;
import dev.frugal.cache.SemanticCache;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * The response cache as the admin API sees it: purges ({@code DELETE /admin/cache}). The admin
 * API reaches the cache through here, as it reaches everything else behind the pipeline.
 */
@Singleton
public class CacheAdmin {
    @Inject ExactCache exact;
    @Inject SemanticCache semantic;

    /**
     * Removes the stored answers of {@code team} (null: every team's, and the global ones) to the
     * model or route {@code name} (null: all), from this replica's memory and from Redis; the other
     * replicas clear their memory within {@code frugal.cache.redis.purge-poll}. Never fails.
     *
     * The semantic cache's prompts and answers of the same team and name go too ({@code semantic_entries}).
     *
     * @return {@code {"object":"cache.purged","team","model","memory_entries","semantic_entries","redis_entries"}}:
     *         {@code redis_entries} null without a Redis tier; with {@code "redis_unreachable":true} when
     *         Redis could not be reached, so that only this replica's memory was purged
     */
    public Future<ObjectNode> purge(String team, String name) {
        long semantics = semantic.purge(team, name);
        return exact.purge(team, name).map(p -> {
            ObjectNode o = Json.object().put("object", "cache.purged").put("team", team).put("model", name)
                    .put("memory_entries", p.memoryEntries()).put("semantic_entries", semantics);
            if (p.redisEntries() < 0) o.putNull("redis_entries"); else o.put("redis_entries", p.redisEntries());
            if (p.redisFailed()) o.put("redis_unreachable", true);
            return o;
        });
    }
}
