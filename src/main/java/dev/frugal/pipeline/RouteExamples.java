package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.catalog.TokenEstimate;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.routing.quality.InvalidOutcomes;
import dev.frugal.routing.quality.OutcomeTable;
import dev.frugal.wire.Json;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Routes' learned-quality examples (docs/routing.md#learned-quality): uploads, their embedding, and the
 * sets in force held in memory for the live scorer ({@link QualityScorer}) and the evaluation
 * ({@link ExamplesEvaluation}).
 *
 * <p>An upload is parsed against the route's candidates (refused whole, 400, when the table has problems),
 * stored as a new set in one transaction, and answered at once (202) while its prompts are embedded in
 * the background: {@code frugal.routing.examples.embed-batch} prompts at a time on the model's own worker
 * pool ({@link SentenceEmbedder#embedAll}), so live requests' embeddings take turns with the batches, each
 * batch's vectors written to the database before the next starts — progress is the count written, which
 * every replica reads. When the last is written the set replaces the route's previous one (which served
 * until then) and this replica uses it at once; the others load its stored vectors within
 * {@code frugal.routing.examples.refresh-interval}, and so does a restart: nothing is embedded twice.
 * One upload embeds at a time per gateway (others wait their turn); a set left half-embedded by a stop
 * is resumed at start.
 *
 * <p>Threads: the event loop only hands work over. Uploads are parsed and stored, sets loaded and the
 * periodic refresh run on {@code work} (two threads); embedding jobs run one after another on
 * {@code embedding}, which waits for the model's pool. Background writes use the database without read
 * timeouts ({@link Database#dataSource()}); status and deletion are admin calls on {@link Database#calls()}.
 */
@Singleton
public class RouteExamples {
    private static final Logger LOG = Logger.getLogger(RouteExamples.class);

    /** Embeds many texts in order (the shared MiniLM's {@link SentenceEmbedder#embedAll} in the gateway). */
    @FunctionalInterface
    interface Embedder {
        Future<List<float[]>> embedAll(List<String> texts);
    }

    @Inject Database database;
    @Inject ConfigHolder configs;
    @Inject SentenceEmbedder sentenceEmbedder;
    @Inject TimeSource time;
    @Inject Vertx vertx;
    @ConfigProperty(name = "frugal.routing.examples.embed-batch", defaultValue = "16") int batch;
    @ConfigProperty(name = "frugal.routing.examples.max-rows", defaultValue = "100000") int maxRows;
    @ConfigProperty(name = "frugal.routing.examples.refresh-interval", defaultValue = "5s") Duration refreshInterval;

    private ExampleStore background;
    private ExampleStore calls;
    private Embedder embedder;
    private Function<String, List<String>> candidatesOf;
    private final ExecutorService work = Executors.newFixedThreadPool(2, daemon("frugal-examples"));
    private final ExecutorService embedding = Executors.newSingleThreadExecutor(daemon("frugal-examples-embedding"));
    /** The route → its examples in force on this replica. Read by every request of a learned route. */
    private final Map<String, LearnedExamples> inForce = new ConcurrentHashMap<>();
    /** Sets being embedded by this replica (a second upload of the route waits for none: it is refused). */
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Object loading = new Object();

    /** For CDI. */
    RouteExamples() {}

    /** Without CDI (tests): {@code candidatesOf} gives a route's candidates, or null for no such route. */
    RouteExamples(ExampleStore store, Embedder embedder, TimeSource time, Function<String, List<String>> candidatesOf, int batch,
                  int maxRows) {
        this.background = store;
        this.calls = store;
        this.embedder = embedder;
        this.time = time;
        this.candidatesOf = candidatesOf;
        this.batch = batch;
        this.maxRows = maxRows;
    }

    /** After the migrations ran: load the sets in force, resume unfinished uploads, then refresh periodically. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent ev) {
        background = new ExampleStore(database.dataSource());
        calls = new ExampleStore(database.callerDataSource());
        embedder = sentenceEmbedder::embedAll;
        candidatesOf = route -> {
            RouteConfig r = configs.get().route(route);
            return r == null ? null : r.candidates();
        };
        work.execute(() -> {
            refreshQuietly();
            resume();
            // load the model now, not on the first request of a learned route (which would wait past its bound)
            if (!inForce.isEmpty()) embedder.embedAll(List.of("warm up"));
        });
        if (!refreshInterval.isZero()) vertx.setPeriodic(refreshInterval.toMillis(), id -> work.execute(this::refreshQuietly));
    }

    @PreDestroy
    void close() {
        embedding.shutdownNow();
        work.shutdownNow();
    }

    // ---- the hot path ------------------------------------------------------------------------

    /** The route's examples in force on this replica, or null. Memory only. */
    LearnedExamples learned(String route) {
        return route == null ? null : inForce.get(route);
    }

    // ---- admin (the event loop hands over; the answers are JSON for docs/admin-api.md) -----------

    /**
     * {@code POST /admin/routes/{route}/examples}: parses, stores and starts embedding an upload; completes
     * with its status (202) or fails with a {@link GatewayError} (404 no such route, 400 a table with
     * problems, 409 an upload of the route still embedding).
     */
    public Future<ObjectNode> upload(String route, String csv, String credential) {
        return on(work, () -> status(accept(route, csv, credential)));
    }

    /** {@code GET /admin/routes/{route}/examples}. */
    public Future<ObjectNode> status(String route) {
        return database.calls().run(() -> status(route, calls.sets(route)));
    }

    /** {@code DELETE /admin/routes/{route}/examples}: how many rows the set in force had; 404 when the route has none at all. */
    public Future<Integer> delete(String route) {
        return database.calls().run(() -> deleteNow(route));
    }

    // ---- the work, blocking ------------------------------------------------------------------

    /** Parses and stores an upload, and queues its embedding; its set's status. Blocking. */
    ExampleStore.SetStatus accept(String route, String csv, String credential) {
        List<String> candidates = candidatesOf.apply(route);
        if (candidates == null) throw routeNotFound(route);
        OutcomeTable table;
        try {
            table = OutcomeTable.parse(csv, candidates);
        } catch (InvalidOutcomes e) {
            throw invalid(e);
        }
        if (table.size() > maxRows) {
            throw new GatewayError(400, "invalid_request_error", "too_many_examples", null, "The upload has " + table.size()
                    + " rows; at most " + maxRows + " are accepted (frugal.routing.examples.max-rows).");
        }
        for (ExampleStore.SetStatus s : background.sets(route)) {
            if (ExampleStore.EMBEDDING.equals(s.state())) {
                throw new GatewayError(409, "invalid_request_error", "examples_upload_in_progress", null, "An upload of route '"
                        + route + "' is still being embedded (" + s.embedded() + " of " + s.rows() + " rows); wait for it or DELETE it.");
            }
        }
        long[] tokens = new long[table.size()];
        for (int r = 0; r < tokens.length; r++) tokens[r] = TokenEstimate.estimate(table.prompt(r));
        long id = background.create(route, table, tokens, time.instant(), credential);
        ExampleStore.SetStatus set = background.sets(route).stream().filter(s -> s.id() == id).findFirst().orElseThrow();
        start(set);
        return set;
    }

    /** Queues the embedding of a stored set. */
    private void start(ExampleStore.SetStatus set) {
        if (!running.add(set.id())) return;
        embedding.execute(() -> {
            try {
                embed(set);
            } finally {
                running.remove(set.id());
            }
        });
    }

    /** Embeds a set's remaining rows batch by batch, then puts it in force. Runs on {@code embedding}. */
    void embed(ExampleStore.SetStatus set) {
        try {
            while (true) {
                List<ExampleStore.Pending> rows = background.unembedded(set.id(), batch);
                if (rows.isEmpty()) break;
                List<String> texts = new ArrayList<>(rows.size());
                for (ExampleStore.Pending p : rows) texts.add(p.prompt());
                List<float[]> vectors = embedder.embedAll(texts).toCompletionStage().toCompletableFuture().get();
                if (!background.embedded(set.id(), rows, vectors)) return; // deleted meanwhile
            }
            if (!background.finish(set.id(), time.instant())) return;
            LearnedExamples learned = load(set);
            LOG.infof("Route %s: %d examples in force (set %d)", set.route(), learned.size(), set.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: resumed at the next start
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.errorf("Route %s: embedding examples set %d failed: %s", set.route(), set.id(), cause.toString());
            try {
                background.fail(set.id(), "embedding failed: " + cause.getMessage(), time.instant());
            } catch (RuntimeException stored) {
                LOG.errorf("Route %s: cannot mark examples set %d failed: %s", set.route(), set.id(), stored.getMessage());
            }
        }
    }

    /** Resumes the sets a stop left half-embedded. */
    void resume() {
        try {
            for (ExampleStore.SetStatus s : background.inState(ExampleStore.EMBEDDING)) start(s);
        } catch (RuntimeException e) {
            LOG.warnf("Cannot read unfinished example uploads (resumed at the next start): %s", e.getMessage());
        }
    }

    /** Reads which sets are in force and loads those this replica does not hold yet; drops routes that have none. */
    void refresh() {
        synchronized (loading) {
            Map<String, ExampleStore.SetStatus> ready = new HashMap<>();
            for (ExampleStore.SetStatus s : background.inState(ExampleStore.READY)) ready.merge(s.route(), s, (a, b) -> a.id() > b.id() ? a : b);
            inForce.keySet().removeIf(route -> !ready.containsKey(route));
            for (ExampleStore.SetStatus s : ready.values()) {
                LearnedExamples have = inForce.get(s.route());
                if (have == null || have.setId() != s.id()) load(s);
            }
        }
    }

    private LearnedExamples load(ExampleStore.SetStatus set) {
        synchronized (loading) {
            LearnedExamples learned = new LearnedExamples(background.load(set));
            LearnedExamples old = inForce.get(set.route());
            if (old == null || old.setId() < set.id()) inForce.put(set.route(), learned);
            return learned;
        }
    }

    /** One refresh at a time; a failure keeps the sets in force. */
    private void refreshQuietly() {
        if (!refreshing.compareAndSet(false, true)) return;
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot refresh routes' examples from the database; those in memory stay in force: %s", e.getMessage());
        } finally {
            refreshing.set(false);
        }
    }

    int deleteNow(String route) {
        List<ExampleStore.SetStatus> sets = calls.sets(route);
        if (sets.isEmpty()) {
            throw new GatewayError(404, "invalid_request_error", "examples_not_found", null, "Route '" + route + "' has no examples.");
        }
        int rows = calls.delete(route);
        synchronized (loading) {
            inForce.remove(route);
        }
        return rows;
    }

    /** The route's examples as {@code GET} shows them; 404 for a route neither configured nor with examples. */
    ObjectNode status(String route, List<ExampleStore.SetStatus> sets) {
        if (sets.isEmpty() && candidatesOf.apply(route) == null) throw routeNotFound(route);
        ExampleStore.SetStatus ready = null, latest = sets.isEmpty() ? null : sets.get(0);
        for (ExampleStore.SetStatus s : sets) if (ready == null && ExampleStore.READY.equals(s.state())) ready = s;
        ObjectNode o = Json.object().put("object", "route.examples").put("route", route);
        o.put("rows", ready == null ? 0 : ready.rows());
        ArrayNode names = o.putArray("candidates");
        if (ready != null) ready.candidates().forEach(names::add);
        LearnedExamples mine = inForce.get(route);
        o.put("loaded_rows", mine == null ? 0 : mine.size());
        if (latest == null) o.putNull("upload");
        else o.set("upload", upload(latest));
        return o;
    }

    private ObjectNode status(ExampleStore.SetStatus set) {
        return status(set.route(), List.of(set));
    }

    private static ObjectNode upload(ExampleStore.SetStatus s) {
        ObjectNode u = Json.object().put("id", s.id()).put("status", s.state()).put("rows", s.rows()).put("embedded", s.embedded());
        ArrayNode names = u.putArray("candidates");
        s.candidates().forEach(names::add);
        u.put("uploaded_at", s.uploadedAt().toString());
        if (s.finishedAt() == null) u.putNull("finished_at"); else u.put("finished_at", s.finishedAt().toString());
        if (s.error() == null) u.putNull("error"); else u.put("error", s.error());
        return u;
    }

    static GatewayError routeNotFound(String route) {
        return new GatewayError(404, "invalid_request_error", "route_not_found", null, "No such route: '" + route + "'.");
    }

    /** A table with problems, as the 400 the admin sees: the message lists them with their rows and columns. */
    static GatewayError invalid(InvalidOutcomes e) {
        return new GatewayError(400, "invalid_request_error", "invalid_examples", null, e.getMessage());
    }

    private <T> Future<T> on(ExecutorService pool, Callable<T> task) {
        Promise<T> p = Promise.promise();
        try {
            pool.execute(() -> {
                try {
                    p.complete(task.call());
                } catch (Throwable t) {
                    p.fail(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            p.fail(GatewayError.internal("The gateway is stopping."));
        }
        return p.future();
    }

    /** Runs on {@code work}, for {@link ExamplesEvaluation}. */
    <T> Future<T> onWork(Callable<T> task) {
        return on(work, task);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** For tests: puts examples in force without the database. */
    void putInForce(String route, LearnedExamples learned) {
        inForce.put(route, learned);
    }

    /** For tests: returns once the embedding jobs queued before it have run. */
    void drain() throws Exception {
        embedding.submit(() -> {}).get(10, TimeUnit.MINUTES);
    }
}
