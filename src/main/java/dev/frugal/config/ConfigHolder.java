package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the current {@link FrugalConfig}. Loads it at start (an invalid file stops the process),
 * then polls the file and swaps in each valid edit atomically; an invalid edit is logged and the
 * last good snapshot stays in force. Requests already running keep the snapshot they started with.
 *
 * <p>Models discovered on upstreams ({@link #discovered}) are merged into the snapshot
 * {@link #get()} returns, and the routes made through the admin API ({@link #apiRoutes}) laid over it
 * ({@link RouteOverlay}). The merge is computed once whenever the file, the discovered models or the
 * API's routes change, so {@code get()} stays a single volatile read.
 */
@Singleton
public class ConfigHolder {
    private static final Logger LOG = Logger.getLogger(ConfigHolder.class);

    /** The file's snapshot with the discovered models merged in: what requests read. */
    private final AtomicReference<FrugalConfig> current = new AtomicReference<>();
    /**
     * Guards the merge of {@link #file} and {@link #discovered}. Not {@code this}: a reload holds
     * {@code this} while it reads the file, and discovery publishes from an event loop, which must
     * never wait on I/O.
     */
    private final Object merge = new Object();
    /** The compiled file alone. Written under {@link #merge}. */
    private volatile FrugalConfig file;
    /** Models found on upstreams, by name. Guarded by {@link #merge}. */
    private Map<String, ModelConfig> discovered = Map.of();
    /** The routes made through the admin API, as stored, by name. Guarded by {@link #merge}. */
    private Map<String, JsonNode> apiRoutes = Map.of();
    /** Why stored routes are left out of the snapshot in force, by name; and the rules skipped. Written under {@link #merge}. */
    private volatile RouteOverlay.Result overlay = new RouteOverlay.Result(null, Map.of(), List.of());
    private final List<Consumer<FrugalConfig>> listeners = new CopyOnWriteArrayList<>();
    private volatile FileTime lastModified;
    private volatile long lastSize = -1;
    private volatile String lastText;
    private String pendingStamp;

    @Inject Vertx vertx;

    @ConfigProperty(name = "frugal.config.path", defaultValue = "config/frugal.yaml")
    String path;

    @ConfigProperty(name = "frugal.config.reload-interval", defaultValue = "2s")
    Duration reloadInterval;

    void onStart(@Observes StartupEvent ev) {
        Path file = Path.of(path);
        FrugalConfig first;
        try {
            first = load(file);
        } catch (InvalidConfigException e) {
            LOG.errorf("Frugal cannot start: %s has problems:\n  - %s", file.toAbsolutePath(), String.join("\n  - ", e.problems()));
            throw e;
        }
        install(first, false);
        LOG.infof("Loaded %s: %d providers, %d models, %d teams", file, first.providers().size(),
                first.models().size(), first.teams().size());
        if (!reloadInterval.isZero()) {
            vertx.setPeriodic(reloadInterval.toMillis(), id -> vertx.executeBlocking(() -> {
                poll(file);
                return null;
            }, false));
        }
    }

    /** The snapshot in force now. */
    public FrugalConfig get() {
        FrugalConfig c = current.get();
        if (c == null) throw new IllegalStateException("configuration not loaded yet");
        return c;
    }

    public boolean loaded() { return current.get() != null; }

    /** Called with each new snapshot after a successful reload or a change of the discovered models; must be quick. */
    public void onChange(Consumer<FrugalConfig> listener) { listeners.add(listener); }

    /** Replaces the file's snapshot directly (tests and programmatic reloads); discovered models stay merged in. */
    public void set(FrugalConfig config) {
        install(config, true);
    }

    /**
     * Replaces the models discovered on upstreams (all providers together, in the order they should
     * be listed). Configured models of the same name win; see {@link FrugalConfig#withDiscovered}.
     * Does nothing when they did not change. Called on an event loop: quick, no I/O.
     */
    public void discovered(Map<String, ModelConfig> models) {
        synchronized (merge) {
            if (models.equals(discovered)) return;
            discovered = Collections.unmodifiableMap(new LinkedHashMap<>(models));
            if (file != null) install(file, true);
        }
    }

    /**
     * Replaces the routes made through the admin API (route name → the route as stored); they win over
     * the file's routes of the same name ({@link RouteOverlay}). Does nothing when they did not change.
     * Compiles them (CPU only, no I/O): called on a worker thread, after each read of the database.
     */
    public void apiRoutes(Map<String, JsonNode> routes) {
        synchronized (merge) {
            if (routes.equals(apiRoutes)) return;
            apiRoutes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
            if (file != null) install(file, true);
        }
    }

    /** Stored routes left out of the snapshot in force, by name, with why (they do not compile over the file now). */
    public Map<String, String> apiRouteProblems() { return overlay.problems(); }

    /** The compiled file alone, without discovered models. */
    public FrugalConfig fileConfig() {
        FrugalConfig f = file;
        if (f == null) throw new IllegalStateException("configuration not loaded yet");
        return f;
    }

    /**
     * Installs a file snapshot merged with the discovered models and the API's routes; listeners hear of
     * it under the lock, in order.
     */
    private void install(FrugalConfig config, boolean notify) {
        synchronized (merge) {
            file = config;
            RouteOverlay.Result next = RouteOverlay.apply(config.withDiscovered(discovered), apiRoutes);
            warnOfChanges(overlay, next);
            overlay = next;
            FrugalConfig merged = next.config();
            current.set(merged);
            if (notify) listeners.forEach(l -> l.accept(merged));
        }
    }

    /** Logs stored routes left out and rules skipped, when they differ from the last snapshot's. */
    private static void warnOfChanges(RouteOverlay.Result before, RouteOverlay.Result after) {
        after.problems().forEach((name, why) -> {
            if (!why.equals(before.problems().get(name))) {
                LOG.warnf("Route '%s' of the admin API is left out (the file's route of that name, if any, applies): %s", name, why);
            }
        });
        if (!after.skippedRules().isEmpty() && !after.skippedRules().equals(before.skippedRules())) {
            LOG.warnf("Rules skipped because their route exists neither in the file nor through the admin API: %s",
                    after.skippedRules());
        }
    }

    /**
     * Called by the watcher: reloads once the file changed and then stayed the same for one
     * interval, so a file caught half-written by an editor is never read.
     */
    synchronized void poll(Path file) {
        try {
            String stamp = Files.getLastModifiedTime(file) + "/" + Files.size(file);
            if (stamp.equals(lastModified + "/" + lastSize)) return;
            if (!stamp.equals(pendingStamp)) {
                pendingStamp = stamp;
                return;
            }
        } catch (IOException e) {
            return; // gone for a moment (an editor's rename); looked at again next time
        }
        reloadIfChanged(file);
    }

    /** Re-reads the file now if it changed; returns true when a new snapshot was installed. */
    public synchronized boolean reloadIfChanged(Path file) {
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (mtime.equals(lastModified) && size == lastSize) return false;
            String text = Files.readString(file, StandardCharsets.UTF_8);
            lastModified = mtime;
            lastSize = size;
            if (text.equals(lastText)) return false;
            lastText = text;
            FrugalConfig next = ConfigCompiler.compile(text, ConfigHolder::lookup);
            set(next);
            LOG.infof("Reloaded %s: %d providers, %d models, %d teams", file, next.providers().size(),
                    next.models().size(), next.teams().size());
            return true;
        } catch (InvalidConfigException e) {
            LOG.errorf("Rejected the edit of %s; the last good configuration stays in force:\n  - %s",
                    file, String.join("\n  - ", e.problems()));
        } catch (IOException e) {
            LOG.warnf("Cannot read %s (%s); the last good configuration stays in force", file, e.getMessage());
        }
        return false;
    }

    /**
     * Resolves {@code ${NAME}} in the config file: environment variables first, then any MicroProfile
     * config source (system properties, application.properties).
     */
    static String lookup(String name) {
        String env = System.getenv(name);
        if (env != null) return env;
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null);
    }

    private synchronized FrugalConfig load(Path file) {
        String text;
        try {
            lastModified = Files.getLastModifiedTime(file);
            lastSize = Files.size(file);
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            throw new InvalidConfigException(List.of(file.toAbsolutePath() + ": cannot read (" + why + "); set FRUGAL_CONFIG to the config file"));
        }
        lastText = text;
        return ConfigCompiler.compile(text, ConfigHolder::lookup);
    }
}
