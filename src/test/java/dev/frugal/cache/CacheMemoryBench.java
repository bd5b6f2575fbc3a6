package dev.frugal.cache;

import dev.frugal.config.CachePolicy;
import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * Memory per cached answer, measured in a JVM of its own (bench/cache-memory.sh): N answers like
 * bench/run.sh's (the nginx upstream's 287-byte body, team-scoped keys) put in a {@link MemoryTier};
 * the live heap after full GCs before and after, against what the tier weighs them at
 * ({@link CachedAnswer#weight}, the figure {@code frugal.cache.memory.max-size} bounds). Not a test.
 *
 * <pre>java -cp … dev.frugal.cache.CacheMemoryBench [entries] [body bytes]</pre>
 */
public final class CacheMemoryBench {
    private static final String BODY = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Hello! How can I help you today?\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
            + "\"completion_tokens\":9,\"total_tokens\":18}}";

    private CacheMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : BODY.length();
        byte[] body = (BODY + " ".repeat(Math.max(0, size - BODY.length()))).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemoryTier tier = new MemoryTier(Long.MAX_VALUE / 2, TimeSource.SYSTEM);
        long before = liveHeap();
        long now = TimeSource.SYSTEM.millis();
        for (int i = 0; i < n; i++) {
            String hash = String.format("%064x", i * 2_654_435_761L);
            String key = CacheKeys.key(CachePolicy.Scope.TEAM, "bench", "cfg_0123456789ab", "bench-cached", hash);
            // fresh copies of the body per entry, as the gateway makes them; names are the config's shared strings
            tier.put(key, new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer(body.clone()), new Usage(9, 9, 0, 0), "bench-cached",
                    "plain-upstream", "upstream-model", 12, now, now + 3_600_000, "bench", "bench-cached"));
        }
        tier.cleanUp();
        long after = liveHeap();
        System.out.printf("| answers | body bytes | weighed bytes per answer | live heap bytes per answer |%n|---:|---:|---:|---:|%n"
                + "| %d | %d | %d | %d |%n", tier.entries(), body.length, tier.bytes() / tier.entries(), (after - before) / n);
    }

    private static long liveHeap() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
