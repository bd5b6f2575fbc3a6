package dev.frugal.catalog;

import dev.frugal.core.Money;
import dev.frugal.core.Price;
import dev.frugal.wire.Csv;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed model catalog: its rows, its version, and the matching of model names to rows
 * (docs/pricing.md). Immutable and thread-safe; pure (no I/O).
 */
public final class CatalogTable {
    /** The catalog provider of open-weight models run on the admin's own hardware: such rows carry no price. */
    public static final String SELF_HOSTED = "self-hosted";

    private static final List<String> REQUIRED = List.of("provider", "model", "usd_in_per_mtok", "usd_cached_in_per_mtok",
            "usd_out_per_mtok", "as_of");
    /** A snapshot date at the end of a model id: {@code -2024-08-06}, {@code -20241022}, or Vertex AI's {@code @20241022}. */
    private static final Pattern DATED = Pattern.compile("(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8})$");
    private static final BigDecimal MAX_USD_PER_MTOK = BigDecimal.valueOf(1_000_000_000L);

    private final List<CatalogEntry> entries;
    private final String version;
    private final Set<String> providers;
    /** rows by lower-case model id */
    private final Map<String, List<CatalogEntry>> byName = new HashMap<>();
    /** rows by {@link #normalise normalised} model id */
    private final Map<String, List<CatalogEntry>> byNormalName = new HashMap<>();

    private CatalogTable(List<CatalogEntry> entries, String version) {
        this.entries = List.copyOf(entries);
        this.version = version;
        Set<String> ps = new LinkedHashSet<>();
        for (CatalogEntry e : entries) {
            ps.add(e.provider());
            byName.computeIfAbsent(e.model().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e);
            byNormalName.computeIfAbsent(normalise(e.model()), k -> new ArrayList<>(1)).add(e);
        }
        this.providers = Collections.unmodifiableSet(ps);
    }

    /**
     * Parses a catalog file (CSV with a header row; RFC 4180 quoting, so fields may hold commas,
     * doubled quotes and line breaks; LF or CRLF). Columns are found by their header name, so their
     * order does not matter and unknown columns are ignored.
     *
     * @param origin names the file in error messages
     * @throws IllegalArgumentException listing every problem, one per line, each with its line number
     */
    public static CatalogTable parse(byte[] file, String origin) {
        String text = new String(file, StandardCharsets.UTF_8);
        List<String> errors = new ArrayList<>();
        List<Csv.Record> records = Csv.read(text, errors);
        if (records.isEmpty() && errors.isEmpty()) errors.add("the file is empty");
        if (!errors.isEmpty()) throw problems(origin, errors);

        Map<String, Integer> col = new HashMap<>();
        List<String> header = records.get(0).fields();
        for (int i = 0; i < header.size(); i++) col.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        for (String r : REQUIRED) if (!col.containsKey(r)) errors.add("line 1: no column '" + r + "'");
        if (!errors.isEmpty()) throw problems(origin, errors);

        List<Row> rows = new ArrayList<>();
        LocalDate latest = null;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> rec = records.get(i).fields();
            String at = "line " + records.get(i).line() + ": ";
            if (rec.size() != header.size()) {
                errors.add(at + rec.size() + " fields, but the header has " + header.size());
                continue;
            }
            Row row = new Row(rec, col, at, errors);
            if (row.provider.isEmpty() || row.model.isEmpty()) { errors.add(at + "provider and model are required"); continue; }
            if (!seen.add(row.provider.toLowerCase(Locale.ROOT) + "\n" + row.model.toLowerCase(Locale.ROOT))) {
                errors.add(at + "duplicate row for " + row.provider + " " + row.model);
            }
            if (row.asOf != null && (latest == null || row.asOf.isAfter(latest))) latest = row.asOf;
            rows.add(row);
        }
        if (!errors.isEmpty()) throw problems(origin, errors);
        String version = "catalog-" + (latest == null ? "undated" : latest) + "-" + sha256Prefix(file);
        List<CatalogEntry> entries = new ArrayList<>(rows.size());
        for (Row r : rows) entries.add(r.entry(version));
        return new CatalogTable(entries, version);
    }

    /** {@code catalog-<latest as_of>-<first 8 hex digits of the file's SHA-256>}: changes with any edit of the file. */
    public String version() { return version; }

    /** Every row, in file order. */
    public List<CatalogEntry> entries() { return entries; }

    /** The provider names that appear in the catalog. */
    public Set<String> providers() { return providers; }

    /**
     * The one row a model name means, among the rows of {@code provider} (null: every provider), or
     * null when no row or more than one row matches. Tried in order, the first step with any match wins:
     * <ol>
     *   <li>the model id, ignoring case;</li>
     *   <li>the {@link #normalise normalised} name against the rows' normalised ids.</li>
     * </ol>
     * With no provider given, a name that starts with a catalog provider ({@code groq/qwen/qwen3-32b})
     * is first looked up among that provider's rows.
     */
    public CatalogEntry find(String name, String provider) {
        if (name == null || name.isBlank()) return null;
        String lower = name.trim().toLowerCase(Locale.ROOT);
        int slash = lower.indexOf('/');
        if (provider == null && slash > 0 && providers.contains(lower.substring(0, slash))) {
            CatalogEntry e = find(lower.substring(slash + 1), lower.substring(0, slash));
            if (e != null) return e;
        }
        List<CatalogEntry> m = of(byName.get(lower), provider);
        if (m.isEmpty()) m = of(byNormalName.get(normalise(lower)), provider);
        return m.size() == 1 ? m.get(0) : null;
    }

    /**
     * A model id reduced for matching: lower case; without a {@code provider/} prefix (everything up to
     * the last {@code /}); without {@code :latest} or {@code -latest}; without a dated snapshot suffix
     * ({@code -2024-08-06}, {@code -20241022}, {@code @20241022}).
     */
    static String normalise(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        s = s.substring(s.lastIndexOf('/') + 1);
        if (s.endsWith(":latest") || s.endsWith("-latest")) s = s.substring(0, s.length() - 7);
        return DATED.matcher(s).replaceFirst("");
    }

    private static List<CatalogEntry> of(List<CatalogEntry> rows, String provider) {
        if (rows == null) return List.of();
        if (provider == null) return rows;
        List<CatalogEntry> out = new ArrayList<>(1);
        for (CatalogEntry e : rows) if (e.provider().equalsIgnoreCase(provider)) out.add(e);
        return out;
    }

    private static IllegalArgumentException problems(String origin, List<String> errors) {
        return new IllegalArgumentException("the model catalog " + origin + " has problems:\n  - " + String.join("\n  - ", errors));
    }

    private static String sha256Prefix(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** One data row's typed cells; problems go to {@code errors}. */
    private static final class Row {
        final String provider, model, qualitySignal, qualitySource, priceSource;
        final int context, maxOutput;
        final BigDecimal in, cached, out;
        final Boolean tools, vision, json, reasoning;
        final Double quality;
        final LocalDate asOf;
        private final List<String> rec;
        private final Map<String, Integer> col;
        private final String at;
        private final List<String> errors;

        Row(List<String> rec, Map<String, Integer> col, String at, List<String> errors) {
            this.rec = rec;
            this.col = col;
            this.at = at;
            this.errors = errors;
            provider = cell("provider");
            model = cell("model");
            context = count("context_window");
            maxOutput = count("max_output");
            in = usd("usd_in_per_mtok");
            cached = usd("usd_cached_in_per_mtok");
            out = usd("usd_out_per_mtok");
            if ((in == null) != (out == null)) {
                errors.add(at + "give both usd_in_per_mtok and usd_out_per_mtok (0 for an embeddings model's output), or neither");
            }
            if (in == null && cached != null) errors.add(at + "usd_cached_in_per_mtok without usd_in_per_mtok");
            tools = flag("tools");
            vision = flag("vision");
            json = flag("json");
            reasoning = flag("reasoning");
            qualitySignal = cell("quality_signal");
            quality = decimal("quality_value");
            qualitySource = cell("quality_source");
            priceSource = cell("price_source");
            asOf = date("as_of");
        }

        CatalogEntry entry(String version) {
            Price price = null;
            if (in != null && out != null) {
                long i = Money.micros(in);
                // A blank cached price means no cache discount is known: cached tokens cost the input price.
                price = new Price(i, cached == null ? i : Money.micros(cached), Money.micros(out), version, Price.Source.CATALOG);
            }
            return new CatalogEntry(provider, model, context, maxOutput, price, tools, vision, json, reasoning,
                    blankToNull(qualitySignal), quality, blankToNull(qualitySource), blankToNull(priceSource), asOf);
        }

        private String cell(String name) {
            Integer i = col.get(name);
            return i == null ? "" : rec.get(i).trim();
        }

        private int count(String name) {
            String s = cell(name);
            if (s.isEmpty()) return 0;
            try {
                int v = Integer.parseInt(s);
                if (v >= 0) return v;
            } catch (NumberFormatException ignored) { /* reported below */ }
            errors.add(at + name + " '" + s + "' is not a whole number of tokens");
            return 0;
        }

        private BigDecimal usd(String name) {
            String s = cell(name);
            if (s.isEmpty()) return null;
            try {
                BigDecimal v = new BigDecimal(s);
                if (v.signum() >= 0 && v.compareTo(MAX_USD_PER_MTOK) <= 0) return v;
            } catch (NumberFormatException ignored) { /* reported below */ }
            errors.add(at + name + " '" + s + "' is not a price in USD per million tokens");
            return null;
        }

        private Double decimal(String name) {
            String s = cell(name);
            if (s.isEmpty()) return null;
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                errors.add(at + name + " '" + s + "' is not a number");
                return null;
            }
        }

        private Boolean flag(String name) {
            String s = cell(name).toLowerCase(Locale.ROOT);
            return switch (s) {
                case "" -> null;
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> {
                    errors.add(at + name + " '" + s + "' must be true, false or empty");
                    yield null;
                }
            };
        }

        private LocalDate date(String name) {
            String s = cell(name);
            if (s.isEmpty()) return null;
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                errors.add(at + name + " '" + s + "' is not a date (YYYY-MM-DD)");
                return null;
            }
        }



        private static String blankToNull(String s) { return s.isEmpty() ? null : s; }
    }
}
