package dev.frugal.provider.ollama;

import dev.frugal.config.ConfigHolder;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.wire.Json;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model discovery for Ollama providers with {@code discover-models: true}: asks each box for its
 * models ({@code GET /api/tags}) at start, after every config change and then every
 * {@code frugal.ollama.discovery-interval} (default 60 s), and publishes them to
 * {@link ConfigHolder#discovered}, so a box's models can be called and appear in
 * {@code /v1/models} without being listed in the config (configured models win on a name clash).
 *
 * <p>Non-blocking: requests go through {@link UpstreamHttp} from a Vert.x timer. A box that
 * cannot be reached keeps its last known models (it is asked again at the next tick; the failure
 * is logged at debug level), so a restart of the box does not make its models flicker out of
 * {@code /v1/models}. Thread-safe.
 */
@Singleton
public class DiscoveredModels {
    private static final Logger LOG = Logger.getLogger(DiscoveredModels.class);

    private final Vertx vertx;
    private final ConfigHolder configs;
    private final UpstreamHttp http;
    private final Duration interval;
    /** Provider name → its last good model list. */
    private final Map<String, Map<String, ModelConfig>> byProvider = new ConcurrentHashMap<>();
    /** Providers whose tag list is being fetched, so a slow box is never asked twice at once. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile long timer = -1;
    /** The file snapshot last polled for, to tell a config edit from a change of discovered models. */
    private volatile FrugalConfig polledFor;

    @Inject
    public DiscoveredModels(Vertx vertx, ConfigHolder configs, UpstreamHttp http,
                            @ConfigProperty(name = "frugal.ollama.discovery-interval", defaultValue = "60s") Duration interval) {
        this.vertx = vertx;
        this.configs = configs;
        this.http = http;
        this.interval = interval;
    }

    /** After the config is loaded (whose observer runs at the default priority). */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent ev) {
        // A config edit may add a box or turn discovery on: ask at once rather than at the next tick.
        configs.onChange(c -> {
            if (configs.fileConfig() != polledFor) vertx.runOnContext(v -> poll());
        });
        vertx.runOnContext(v -> poll());
        if (!interval.isZero()) timer = vertx.setPeriodic(Math.max(1000, interval.toMillis()), id -> poll());
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    /** Asks every discovering Ollama provider of the current config; forgets the ones no longer there. */
    void poll() {
        if (!configs.loaded()) return;
        FrugalConfig config = configs.fileConfig();
        polledFor = config;
        Set<String> active = new java.util.HashSet<>();
        for (ProviderConfig p : config.providers().values()) {
            if (p.kind() == ProviderKind.OLLAMA && p.discoverModels()) {
                active.add(p.name());
                fetch(p);
            }
        }
        if (byProvider.keySet().retainAll(active)) publish();
    }

    private void fetch(ProviderConfig p) {
        if (!inFlight.add(p.name())) return;
        OllamaEndpoint endpoint = OllamaEndpoint.of(p);
        http.request(endpoint.options(HttpMethod.GET, "/api/tags", (String) null, "application/json"))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() != 200) {
                        throw new UpstreamFailure(UpstreamFailure.Kind.UPSTREAM_ERROR, "HTTP " + resp.statusCode());
                    }
                    try {
                        return OllamaTags.toModels(p.name(), Json.parse(body));
                    } catch (java.io.IOException e) {
                        throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "the model list is not JSON");
                    }
                }))
                .onComplete(ar -> {
                    inFlight.remove(p.name());
                    if (ar.failed()) {
                        LOG.debugf("Model discovery on provider '%s' failed (%s); asking again in %s", p.name(),
                                ar.cause().getMessage(), interval);
                        return;
                    }
                    if (!isActive(p.name())) return; // removed from the config meanwhile
                    Map<String, ModelConfig> old = byProvider.put(p.name(), ar.result());
                    if (!ar.result().equals(old)) {
                        LOG.infof("Provider '%s' serves %d models: %s", p.name(), ar.result().size(), ar.result().keySet());
                        publish();
                    }
                });
    }

    private boolean isActive(String provider) {
        ProviderConfig p = configs.fileConfig().provider(provider);
        return p != null && p.kind() == ProviderKind.OLLAMA && p.discoverModels();
    }

    /** All providers' models, in the config's provider order, to the config holder. */
    private synchronized void publish() {
        List<Map<String, ModelConfig>> ordered = new ArrayList<>();
        for (String name : configs.fileConfig().providers().keySet()) {
            Map<String, ModelConfig> m = byProvider.get(name);
            if (m != null) ordered.add(m);
        }
        configs.discovered(OllamaTags.merge(ordered));
    }
}
