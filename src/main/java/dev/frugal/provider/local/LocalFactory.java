package dev.frugal.provider.local;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * Creates in-process model adapters. The model (shipped inside a Maven artifact, nothing is
 * downloaded) is shared by every provider that names it and loaded once, lazily.
 */
@ApplicationScoped
public class LocalFactory implements ProviderFactory {
    private static final Logger LOG = Logger.getLogger(LocalFactory.class);

    private final WorkerExecutor workers;
    private final TimeSource time;
    private volatile EmbeddingModel miniLm;

    @Inject
    public LocalFactory(Vertx vertx, @ConfigProperty(name = "frugal.local.workers", defaultValue = "0") int size, TimeSource time) {
        this.time = time;
        int threads = size > 0 ? size : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.workers = vertx.createSharedWorkerExecutor("frugal-local-model", threads);
    }

    @Override public ProviderKind kind() { return ProviderKind.LOCAL; }

    @Override
    public Object create(ProviderConfig config) {
        Supplier<EmbeddingModel> model = this::miniLm; // the only local model so far (config.ProvidersCompiler.LOCAL_MODELS)
        return new LocalEmbeddingAdapter(config.name(), workers, model);
    }

    private EmbeddingModel miniLm() {
        EmbeddingModel m = miniLm;
        if (m == null) {
            synchronized (this) { // runs on a worker thread, never on the event loop
                m = miniLm;
                if (m == null) {
                    long t0 = time.nanoTime();
                    m = new AllMiniLmL6V2EmbeddingModel();
                    LOG.infof("Loaded the local embeddings model all-minilm-l6-v2 in %d ms", (time.nanoTime() - t0) / 1_000_000);
                    miniLm = m;
                }
            }
        }
        return m;
    }

    @PreDestroy
    void close() { workers.close(); }
}
