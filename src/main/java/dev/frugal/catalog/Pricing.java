package dev.frugal.catalog;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ModelTraits;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.Price;
import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a deployment costs, what a team's reference model would have cost, how many tokens a
 * request may produce, what happens to requests to a model with no price (docs/pricing.md), and —
 * from the same catalog row — what the deployment's model can do ({@link #traits}).
 *
 * <p>Answers are computed once per config snapshot and then looked up, so the per-request calls
 * ({@link #price}, {@link #maxOutputTokens}, {@link #traits}, {@link #referencePrice}) allocate nothing: the two most
 * recent snapshots are kept, since requests that started before a reload still hold the older one.
 * Thread-safe: a snapshot's tables are built, then published through a volatile field and never changed.
 */
@Singleton
public class Pricing {
    private static final Logger LOG = Logger.getLogger(Pricing.class);
    /** Counter of requests served by a deployment with no price, tagged {@code model} (a configured model name, else {@code other}). */
    public static final String UNPRICED_REQUESTS = "frugal.unpriced.requests";
    /** Completion tokens assumed for a request without {@code max_tokens} when the catalog knows no limit for the model. */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;
    /** OpenAI-compatible dialects of servers that run on the admin's own hardware. */
    private static final Set<String> LOCAL_DIALECTS = Set.of("vllm", "llamacpp", "lmstudio", "ollama");
    /** Reference names remembered per snapshot; more are computed each time (names come from team settings, so few). */
    private static final int MAX_REFERENCES = 1024;
    /** Marks "no price" in maps that cannot hold null. */
    private static final Price NO_PRICE = new Price(0, 0, 0, "unpriced", Price.Source.FREE);
    private static final long NEVER = Long.MIN_VALUE;
    private static final BigDecimal TOKENS_PER_MILLION = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

    private final CatalogTable catalog;
    private final MeterRegistry registry;
    private final TimeSource time;
    private volatile Memo latest;
    private volatile Memo previous;
    private final Map<String, Counter> unpricedCounters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastWarning = new ConcurrentHashMap<>();

    @Inject
    public Pricing(Catalog catalog, MeterRegistry registry, TimeSource time) {
        this(catalog.table(), registry, time);
    }

    /** @param time the clock of the warning interval (a fake one in tests) */
    public Pricing(CatalogTable catalog, MeterRegistry registry, TimeSource time) {
        this.catalog = catalog;
        this.registry = registry;
        this.time = time;
    }

    /**
     * The price of a request served by deployment {@code d} of {@code model}, or null when it has none
     * (unpriced: never treat as $0). In order: the deployment's {@code gpu} cost; the deployment's, then
     * the model's {@code price}; free for the simulator; the catalog row of the deployment's upstream
     * model, then of the model's name, among the rows of the deployment's provider. Deployments on the
     * admin's own servers are never priced from hosted rows.
     */
    public Price price(FrugalConfig cfg, ModelConfig model, ModelConfig.Deployment d) {
        return resolved(cfg, model, d).price;
    }

    /**
     * The most completion tokens a request to {@code d} can produce when it sets no {@code max_tokens}:
     * the simulator's {@code output-tokens}; else the catalog's max output for the model (or its context
     * window when the catalog gives no max output); else {@link #DEFAULT_MAX_OUTPUT_TOKENS}.
     */
    public int maxOutputTokens(FrugalConfig cfg, ModelConfig model, ModelConfig.Deployment d) {
        return resolved(cfg, model, d).maxOutputTokens;
    }

    /**
     * What is known of the model deployment {@code d} runs, for routing's filters and quality prior:
     * the model's own {@code capabilities}, {@code context-window} and {@code quality} in the config,
     * over the catalog row of the deployment's upstream model (else of the model's name) among the rows
     * of the deployment's catalog provider ({@link #catalogProvider}; any provider's for the simulator,
     * which names the model it stands in for). The row's quality signal becomes 0..1 by {@link QualityPrior}.
     */
    public ModelTraits traits(FrugalConfig cfg, ModelConfig model, ModelConfig.Deployment d) {
        return resolved(cfg, model, d).traits;
    }

    /**
     * The price savings are measured against: a configured model's (its first deployment's) price, or
     * else the catalog row that {@code name} means ({@code gpt-4o}, {@code anthropic/claude-sonnet-4-5});
     * null when neither gives one.
     */
    public Price referencePrice(FrugalConfig cfg, String name) {
        if (name == null) return null;
        Memo memo = memo(cfg);
        Price p = memo.references.get(name);
        if (p == null) {
            p = reference(cfg, name);
            if (p == null) p = NO_PRICE;
            if (memo.references.size() < MAX_REFERENCES) memo.references.put(name, p);
        }
        return p == NO_PRICE ? null : p;
    }

    /** Whether requests to unpriced models are refused ({@code pricing.reject-unpriced}); see {@link dev.frugal.core.GatewayError#modelUnpriced}. */
    public boolean rejectUnpriced(FrugalConfig cfg) {
        return cfg.pricing().rejectUnpriced();
    }

    /**
     * Records one request served with no price: counts it in {@link #UNPRICED_REQUESTS} and logs a
     * warning at most once per model per {@code pricing.unpriced-warning-interval}.
     */
    public void unpriced(FrugalConfig cfg, String model) {
        String tag = model != null && cfg.models().containsKey(model) ? model : "other";
        Counter c = unpricedCounters.get(tag);
        if (c == null) {
            c = unpricedCounters.computeIfAbsent(tag, t -> Counter.builder(UNPRICED_REQUESTS)
                    .description("Requests served by a deployment with no price (their cost is unknown, not zero)")
                    .tag("model", t).register(registry));
        }
        c.increment();
        AtomicLong last = lastWarning.get(tag);
        if (last == null) last = lastWarning.computeIfAbsent(tag, t -> new AtomicLong(NEVER));
        long now = time.nanoTime();
        long prev = last.get();
        if ((prev == NEVER || now - prev >= cfg.pricing().unpricedWarningInterval().toNanos()) && last.compareAndSet(prev, now)) {
            LOG.warnf("Model '%s' has no price: its requests are recorded as unpriced (cost unknown, not $0; %d so far). "
                    + "Set models[].price, or deployments[].gpu for your own hardware, in the config file (docs/pricing.md).",
                    tag, (long) c.count());
        }
    }

    /**
     * The per-token price of a deployment on the admin's own hardware: the machine's cost per second
     * spread over the tokens it processes per second,
     * {@code micro-USD per Mtok = usd-per-hour x 10^6 x 10^6 / (3600 x tokens-per-second)}, rounded half up.
     * Cached prompt tokens cost the same as others (the prompt still goes through the GPU).
     */
    public static Price gpuPrice(ModelConfig.Gpu gpu) {
        long input = perMillion(gpu.usdPerHourMicros(), gpu.inputTokensPerSecond());
        return Price.of(Price.Source.GPU, input, input, perMillion(gpu.usdPerHourMicros(), gpu.outputTokensPerSecond()));
    }

    /**
     * The catalog provider whose rows price a provider's deployments: the hosted service it talks to,
     * {@link CatalogTable#SELF_HOSTED} for servers on the admin's own hardware, null for the simulator.
     */
    public static String catalogProvider(ProviderConfig p) {
        if (p == null || p.kind() == null) return null;
        return switch (p.kind()) {
            case OPENAI -> p.dialect() == null ? "openai" : LOCAL_DIALECTS.contains(p.dialect()) ? CatalogTable.SELF_HOSTED : p.dialect();
            case AZURE -> "openai"; // Azure OpenAI serves OpenAI's models; see docs/pricing.md on its regional prices
            case ANTHROPIC -> "anthropic";
            case GEMINI -> "google";
            case OLLAMA, LOCAL -> CatalogTable.SELF_HOSTED;
            case SIMULATOR -> null;
        };
    }

    // ---- per snapshot ---------------------------------------------------------------------

    private record Resolved(Price price, int maxOutputTokens, ModelTraits traits) {}

    /** One snapshot's answers. {@code deployments} is keyed by identity: the snapshot's own deployment objects. */
    private record Memo(FrugalConfig config, Map<ModelConfig.Deployment, Resolved> deployments, Map<String, Price> references) {}

    private Resolved resolved(FrugalConfig cfg, ModelConfig model, ModelConfig.Deployment d) {
        Resolved r = memo(cfg).deployments.get(d);
        return r != null ? r : resolve(cfg, model, d); // a deployment the snapshot does not hold: computed, not kept
    }

    private Memo memo(FrugalConfig cfg) {
        Memo m = latest;
        if (m != null && m.config == cfg) return m;
        Memo p = previous;
        if (p != null && p.config == cfg) return p;
        Memo built = build(cfg);
        // Unsynchronised on purpose: two threads may build the same snapshot; both results are equal.
        previous = latest;
        latest = built;
        return built;
    }

    private Memo build(FrugalConfig cfg) {
        Map<ModelConfig.Deployment, Resolved> all = new IdentityHashMap<>();
        List<String> unpriced = new ArrayList<>();
        for (ModelConfig m : cfg.models().values()) {
            for (ModelConfig.Deployment d : m.deployments()) {
                Resolved r = resolve(cfg, m, d);
                all.put(d, r);
                if (r.price == null) unpriced.add(m.name() + " (" + d.provider() + " " + d.upstreamModel() + ")");
            }
        }
        if (!unpriced.isEmpty()) {
            LOG.infof("No price for %s: requests to them are recorded as unpriced%s (docs/pricing.md)", String.join(", ", unpriced),
                    cfg.pricing().rejectUnpriced() ? " and refused" : "");
        }
        return new Memo(cfg, all, new ConcurrentHashMap<>());
    }

    private Resolved resolve(FrugalConfig cfg, ModelConfig model, ModelConfig.Deployment d) {
        ProviderConfig p = cfg.provider(d.provider());
        Price price;
        if (d.gpu() != null) price = gpuPrice(d.gpu());
        else if (d.price() != null) price = d.price();
        else if (model.price() != null) price = model.price();
        else if (p != null && p.kind() == ProviderKind.SIMULATOR) price = Price.FREE;
        else price = catalogPrice(catalogProvider(p), d.upstreamModel(), model.name());
        return new Resolved(price, outputLimit(p, d.upstreamModel(), model.name()), traits(p, d.upstreamModel(), model));
    }

    private ModelTraits traits(ProviderConfig p, String upstreamModel, ModelConfig model) {
        if (p == null) return model.traits();
        String provider = catalogProvider(p);
        CatalogEntry e = catalog.find(upstreamModel, provider);
        if (e == null) e = catalog.find(model.name(), provider);
        if (e == null) return model.traits();
        double q = QualityPrior.of(e);
        ModelTraits row = new ModelTraits(e.tools(), e.vision(), e.json(), e.contextWindow(), q,
                Double.isNaN(q) ? null : "catalog: " + e.qualitySignal() + " "
                        + BigDecimal.valueOf(e.qualityValue()).stripTrailingZeros().toPlainString());
        return model.traits().over(row);
    }

    private Price catalogPrice(String provider, String upstreamModel, String modelName) {
        if (provider == null || provider.equals(CatalogTable.SELF_HOSTED)) return null;
        Price p = priceOf(catalog.find(upstreamModel, provider));
        return p != null ? p : priceOf(catalog.find(modelName, provider));
    }

    private int outputLimit(ProviderConfig p, String upstreamModel, String modelName) {
        if (p != null && p.kind() == ProviderKind.SIMULATOR && p.simulator() != null) return p.simulator().outputTokens();
        String provider = catalogProvider(p);
        int limit = limitOf(catalog.find(upstreamModel, provider));
        if (limit == 0) limit = limitOf(catalog.find(modelName, provider));
        return limit > 0 ? limit : DEFAULT_MAX_OUTPUT_TOKENS;
    }

    private Price reference(FrugalConfig cfg, String name) {
        ModelConfig m = cfg.model(name);
        if (m != null && !m.deployments().isEmpty()) {
            Price p = price(cfg, m, m.deployments().get(0));
            if (p != null) return p;
        }
        return priceOf(catalog.find(name, null));
    }

    private static Price priceOf(CatalogEntry e) { return e == null ? null : e.price(); }

    private static int limitOf(CatalogEntry e) { return e == null ? 0 : e.outputLimit(); }

    private static long perMillion(long usdPerHourMicros, double tokensPerSecond) {
        BigDecimal v = BigDecimal.valueOf(usdPerHourMicros).multiply(TOKENS_PER_MILLION)
                .divide(BigDecimal.valueOf(tokensPerSecond).multiply(SECONDS_PER_HOUR), 0, RoundingMode.HALF_UP);
        return v.compareTo(MAX_LONG) > 0 ? Long.MAX_VALUE : v.longValueExact();
    }
}
