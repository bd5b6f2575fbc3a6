package dev.frugal.catalog;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model catalog in force, loaded once at start from {@code frugal.catalog.path}
 * ({@code FRUGAL_CATALOG}, default {@code config/catalog.csv}). When the default file is absent the
 * copy packaged in the jar at build time is used, so a bare jar still prices models; a path set
 * explicitly must exist. A file that does not parse stops the process, naming each bad line.
 * Edits take effect at the next start (per-model prices in frugal.yaml reload while running).
 */
@Singleton
public class Catalog {
    private static final Logger LOG = Logger.getLogger(Catalog.class);
    static final String DEFAULT_PATH = "config/catalog.csv";
    /** Where the build puts the shipped catalog on the classpath (pom.xml, resources). */
    static final String BUNDLED = "frugal/catalog.csv";

    @ConfigProperty(name = "frugal.catalog.path", defaultValue = DEFAULT_PATH)
    String path;

    private CatalogTable table;

    @PostConstruct
    void load() {
        Path file = Path.of(path);
        table = load(file, file.equals(Path.of(DEFAULT_PATH)));
    }

    /** Loads at start rather than on the first request, so a bad file stops the process at once. */
    void onStart(@Observes StartupEvent ev) {
        LOG.infof("Model catalog %s: %d models", table.version(), table.entries().size());
    }

    public CatalogTable table() { return table; }

    /** The catalog version stamped on ledger rows priced from it. */
    public String version() { return table.version(); }

    /** Reads the catalog {@code file}; when it is absent, the default path falls back to the copy in the jar. */
    static CatalogTable load(Path file, boolean isDefaultPath) {
        try {
            if (Files.exists(file)) return CatalogTable.parse(Files.readAllBytes(file), file.toString());
            if (!isDefaultPath) {
                throw new IllegalStateException("the model catalog " + file.toAbsolutePath()
                        + " does not exist; set FRUGAL_CATALOG to the catalog file, or unset it to use the shipped one");
            }
            try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(BUNDLED)) {
                if (in == null) throw new IllegalStateException("no " + DEFAULT_PATH + " and no catalog inside the jar");
                CatalogTable t = CatalogTable.parse(in.readAllBytes(), "(inside the jar)");
                LOG.infof("%s not found: using the catalog shipped inside the jar", file.toAbsolutePath());
                return t;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalog " + file.toAbsolutePath(), e);
        }
    }
}
