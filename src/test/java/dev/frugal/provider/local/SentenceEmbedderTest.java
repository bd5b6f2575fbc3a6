package dev.frugal.provider.local;

import dev.frugal.testsupport.FakeTime;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

@Tag("unit")
class SentenceEmbedderTest {
    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger embedded = new AtomicInteger();
    private final List<String> threads = new ArrayList<>();

    /** A model whose vector is the text's length and first character: enough to tell texts apart. */
    private final EmbeddingModel fake = new EmbeddingModel() {
        @Override public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            synchronized (threads) { threads.add(Thread.currentThread().getName()); }
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                embedded.incrementAndGet();
                out.add(Embedding.from(new float[] {s.text().length(), s.text().isEmpty() ? 0 : s.text().charAt(0)}));
            }
            return Response.from(out);
        }
    };

    private SentenceEmbedder embedder(long cacheBytes) {
        return new SentenceEmbedder(vertx.createSharedWorkerExecutor("test-embedder", 1),
                () -> { loads.incrementAndGet(); return fake; }, new FakeTime(), cacheBytes);
    }

    @AfterEach void close() { vertx.close(); }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test void embedsOffTheCallersThreadAndLoadsTheModelOnce() throws Exception {
        SentenceEmbedder e = embedder(1 << 20);
        assertEquals(0, loads.get(), "nothing loaded before the first text");
        assertArrayEquals(new float[] {5, 'h'}, await(e.embed("hello")));
        assertArrayEquals(new float[] {3, 'a'}, await(e.embed("abc")));
        List<float[]> both = await(e.embedAll(List.of("x", "yy")));
        assertArrayEquals(new float[] {1, 'x'}, both.get(0));
        assertArrayEquals(new float[] {2, 'y'}, both.get(1));
        assertEquals(1, loads.get());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("test-embedder")), threads.toString());
    }

    @Test void aRepeatedTextIsEmbeddedOnce() throws Exception {
        SentenceEmbedder e = embedder(1 << 20);
        float[] first = await(e.embed("Is 7 prime?"));
        float[] again = await(e.embed("Is 7 prime?"));
        assertSame(first, again);
        assertEquals(1, embedded.get());
        await(e.embed("Is 9 prime?"));
        assertEquals(2, embedded.get(), "another text is embedded");
    }

    @Test void bulkEmbeddingRemembersNothing() throws Exception {
        SentenceEmbedder e = embedder(1 << 20);
        await(e.embedAll(List.of("a", "b")));
        await(e.embed("a"));
        assertEquals(3, embedded.get());
    }

    @Test void noMemoryWithAZeroBudget() throws Exception {
        SentenceEmbedder e = embedder(0);
        await(e.embed("same"));
        await(e.embed("same"));
        assertEquals(2, embedded.get());
    }
}
