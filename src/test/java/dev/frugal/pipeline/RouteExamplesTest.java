package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.routing.quality.PromptFeatures;
import dev.frugal.routing.quality.OutcomeTable;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's examples through {@link RouteExamples} and {@link ExampleStore} (migration V9), on H2 and on
 * PostgreSQL: uploads embedded in batches and put in force, a second gateway (a restart, another replica)
 * on the same database loading the stored vectors without embedding anything, replacing, deleting,
 * refusing bad tables, and resuming an upload a stop interrupted. The model is a counting stand-in.
 */
class RouteExamplesTest {
    static final Map<String, List<String>> ROUTES = Map.of("auto", List.of("cheap", "strong"));

    @Nested
    class OnH2 extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.H2); }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.POSTGRESQL); }
    }

    /** Embeds by hashing words into 384 buckets; remembers every text it was asked for, and may be held. */
    static final class CountingEmbedder implements RouteExamples.Embedder {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        volatile Promise<Void> gate;

        @Override
        public Future<List<float[]>> embedAll(List<String> texts) {
            calls.add(List.copyOf(texts));
            List<float[]> out = new ArrayList<>();
            for (String t : texts) out.add(vector(t));
            Promise<Void> g = gate;
            return g == null ? Future.succeededFuture(out) : g.future().map(v -> out);
        }

        int texts() { return calls.stream().mapToInt(List::size).sum(); }

        static float[] vector(String text) {
            float[] v = new float[384];
            for (String w : text.toLowerCase().split("\\W+")) if (!w.isEmpty()) v[Math.floorMod(w.hashCode(), 384)] += 1;
            v[383] += 0.01f; // never the zero vector
            return v;
        }
    }

    abstract static class Cases {
        abstract DataSource fresh();

        DataSource db;
        FakeTime time = new FakeTime();
        List<RouteExamples> gateways = new ArrayList<>();

        @BeforeEach
        void setUp() { db = fresh(); }

        @AfterEach
        void tearDown() { gateways.forEach(RouteExamples::close); }

        RouteExamples gateway(CountingEmbedder embedder) {
            RouteExamples g = new RouteExamples(new ExampleStore(db), embedder, time, ROUTES::get, 16, 1000);
            gateways.add(g);
            return g;
        }

        /** {@code n} rows: the cheap model right on arithmetic, wrong on poems; the strong one always right. */
        static String csv(int n) {
            StringBuilder b = new StringBuilder("prompt,cheap_correct,strong_correct,strong_cost_usd\n");
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) b.append("\"What is ").append(i).append(" plus ").append(i + 1).append(", in numbers?\",1,1,0.002\n");
                else b.append("\"Write a sonnet about autumn leaves, number ").append(i).append("\",0,1,0.004\n");
            }
            return b.toString();
        }

        @Test
        void anUploadIsEmbeddedInBatchesStoredAndPutInForce() throws Exception {
            CountingEmbedder model = new CountingEmbedder();
            RouteExamples g = gateway(model);
            ExampleStore.SetStatus accepted = g.accept("auto", csv(40), "admin-key:12345678");
            assertEquals(ExampleStore.EMBEDDING, accepted.state());
            assertEquals(40, accepted.rows());
            g.drain();

            assertEquals(List.of(16, 16, 8), model.calls.stream().map(List::size).toList(), "batches of 16");
            LearnedExamples learned = g.learned("auto");
            assertNotNull(learned);
            assertEquals(40, learned.size());
            assertEquals(List.of("cheap", "strong"), learned.candidates());
            assertEquals(3000, learned.meanCostMicros("strong"), "the examples' own mean cost: $0.003");
            assertEquals(-1, learned.meanCostMicros("cheap"));

            var status = g.status("auto", new ExampleStore(db).sets("auto"));
            assertEquals(40, status.get("rows").asInt());
            assertEquals("ready", status.path("upload").path("status").asText());
            assertEquals(40, status.path("upload").path("embedded").asInt());
            assertEquals(40, status.get("loaded_rows").asInt());
        }

        @Test
        void anotherGatewayOnTheSameDatabaseLoadsTheStoredVectorsAndEmbedsNothing() throws Exception {
            CountingEmbedder first = new CountingEmbedder();
            RouteExamples a = gateway(first);
            a.accept("auto", csv(40), "admin-key:12345678");
            a.drain();

            CountingEmbedder second = new CountingEmbedder();
            RouteExamples b = gateway(second); // a restart, or another replica
            assertNull(b.learned("auto"));
            b.refresh();
            b.resume();
            b.drain();
            assertEquals(0, second.calls.size(), "nothing embedded again");
            assertEquals(40, b.learned("auto").size());

            double[] priors = {Double.NaN, Double.NaN};
            PromptFeatures arithmetic = new PromptFeatures(CountingEmbedder.vector("What is 7 plus 8, in numbers?"), 9);
            double[] qa = a.learned("auto").estimator(priors).estimate(arithmetic, List.of("cheap", "strong"));
            double[] qb = b.learned("auto").estimator(priors).estimate(arithmetic, List.of("cheap", "strong"));
            assertArrayEquals(qa, qb, "the same vectors, the same estimate");
            PromptFeatures poem = new PromptFeatures(CountingEmbedder.vector("Write a sonnet about autumn leaves"), 8);
            double[] qp = b.learned("auto").estimator(priors).estimate(poem, List.of("cheap", "strong"));
            assertTrue(qa[0] - qp[0] > 0.2, "cheap better at sums than at sonnets: " + qa[0] + " / " + qp[0]);
        }

        @Test
        void aNewUploadServesOnlyOnceEmbeddedAndThenReplacesTheOld() throws Exception {
            CountingEmbedder model = new CountingEmbedder();
            RouteExamples g = gateway(model);
            g.accept("auto", csv(10), "admin-key:12345678");
            g.drain();
            long old = g.learned("auto").setId();

            model.gate = Promise.promise(); // the model is busy
            ExampleStore.SetStatus next = g.accept("auto", csv(20), "admin-key:12345678");
            GatewayError again = assertThrows(GatewayError.class, () -> g.accept("auto", csv(5), "admin-key:12345678"));
            assertEquals(409, again.status());
            assertEquals("examples_upload_in_progress", again.code());
            assertEquals(old, g.learned("auto").setId(), "the old examples serve while the new are embedded");

            model.gate.complete();
            model.gate = null;
            g.drain();
            assertEquals(next.id(), g.learned("auto").setId());
            assertEquals(20, g.learned("auto").size());
            List<ExampleStore.SetStatus> sets = new ExampleStore(db).sets("auto");
            assertEquals(1, sets.size(), "the old set is deleted: " + sets);
        }

        @Test
        void deletingClearsTheRouteHereAndOnTheNextRefreshElsewhere() throws Exception {
            RouteExamples a = gateway(new CountingEmbedder()), b = gateway(new CountingEmbedder());
            a.accept("auto", csv(10), "admin-key:12345678");
            a.drain();
            b.refresh();
            assertNotNull(b.learned("auto"));

            assertEquals(10, a.deleteNow("auto"));
            assertNull(a.learned("auto"));
            b.refresh();
            assertNull(b.learned("auto"));
            GatewayError none = assertThrows(GatewayError.class, () -> a.deleteNow("auto"));
            assertEquals(404, none.status());
        }

        @Test
        void aTableWithProblemsIsRefusedWholeNamingRowAndColumn() {
            RouteExamples g = gateway(new CountingEmbedder());
            GatewayError bad = assertThrows(GatewayError.class, () -> g.accept("auto",
                    "prompt,cheap_correct,strong_correct\nfine,1,1\nnot fine,yes,1\n", "admin-key:12345678"));
            assertEquals(400, bad.status());
            assertEquals("invalid_examples", bad.code());
            assertTrue(bad.getMessage().contains("row 2 (line 3), column 'cheap_correct': 'yes' is not 0, 1 or a score from 0 to 1"),
                    bad.getMessage());
            GatewayError missing = assertThrows(GatewayError.class, () -> g.accept("auto", "prompt,cheap_correct\nhi,1\n", "x"));
            assertTrue(missing.getMessage().contains("no column 'strong_correct'"), missing.getMessage());
            assertEquals(List.of(), new ExampleStore(db).sets("auto"), "nothing stored");

            GatewayError unknown = assertThrows(GatewayError.class, () -> g.accept("nope", csv(2), "x"));
            assertEquals(404, unknown.status());
            assertEquals("route_not_found", unknown.code());
            GatewayError many = assertThrows(GatewayError.class, () -> g.accept("auto", csv(1001), "x"));
            assertEquals("too_many_examples", many.code());
        }

        @Test
        void aLargeUploadReportsItsProgressBatchByBatch() throws Exception {
            CountingEmbedder model = new CountingEmbedder();
            Promise<Void> third = Promise.promise();
            java.util.concurrent.CountDownLatch thirdAsked = new java.util.concurrent.CountDownLatch(1);
            RouteExamples g = new RouteExamples(new ExampleStore(db), texts -> {
                Future<List<float[]>> v = model.embedAll(texts);
                if (model.calls.size() != 3) return v;
                thirdAsked.countDown();
                return third.future().compose(x -> v); // the model is slow on the third batch
            }, time, ROUTES::get, 500, 100_000);
            gateways.add(g);
            ExampleStore.SetStatus accepted = g.accept("auto", csv(10_000), "admin-key:12345678");
            assertEquals(10_000, accepted.rows());
            ExampleStore store = new ExampleStore(db);
            assertTrue(thirdAsked.await(60, java.util.concurrent.TimeUnit.SECONDS));
            ExampleStore.SetStatus during = store.sets("auto").get(0);
            assertEquals(ExampleStore.EMBEDDING, during.state());
            assertEquals(1_000, during.embedded(), "two batches of 500 written, the third under way");
            assertNull(g.learned("auto"), "not in force before every row is embedded");

            third.complete();
            g.drain();
            assertEquals(10_000, g.learned("auto").size());
            assertEquals(20, model.calls.size());
            ExampleStore.SetStatus done = store.sets("auto").get(0);
            assertEquals(ExampleStore.READY, done.state());
            assertEquals(10_000, done.embedded());
        }

        @Test
        void anUploadAStopInterruptedIsResumedWhereItStopped() throws Exception {
            ExampleStore store = new ExampleStore(db);
            OutcomeTable t = OutcomeTable.parse(csv(20), ROUTES.get("auto"));
            long[] tokens = new long[20];
            long id = store.create("auto", t, tokens, time.instant(), "admin-key:12345678");
            List<ExampleStore.Pending> first = store.unembedded(id, 12);
            List<float[]> vectors = new ArrayList<>();
            for (ExampleStore.Pending p : first) vectors.add(CountingEmbedder.vector(p.prompt()));
            assertTrue(store.embedded(id, first, vectors));
            assertEquals(12, store.sets("auto").get(0).embedded(), "progress is what is stored");

            CountingEmbedder model = new CountingEmbedder();
            RouteExamples restarted = gateway(model);
            restarted.refresh();
            restarted.resume();
            restarted.drain();
            assertEquals(8, model.texts(), "only the rows left");
            assertEquals(20, restarted.learned("auto").size());
        }
    }
}
