package dev.frugal.core;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * A model's price in integer micro-USD per million tokens ($0.15 per million tokens = {@code 150_000}),
 * so that a request's cost is exact integer arithmetic. Immutable.
 *
 * @param input       price of prompt tokens that were not served from the provider's prompt cache
 * @param cachedInput price of prompt tokens read from the provider's prompt cache
 * @param output      price of completion tokens (reasoning tokens included)
 * @param version     where the numbers come from, stamped on each ledger row: the catalog version
 *                    ({@code catalog-2026-07-29-1a2b3c4d}) for catalog prices, {@code config:<in>/<cached>/<out>}
 *                    or {@code gpu:<in>/<cached>/<out>} (the micro-USD values themselves) for prices from
 *                    {@code frugal.yaml}, {@code free} for the simulator
 * @param source      the kind of origin
 */
public record Price(long input, long cachedInput, long output, String version, Source source) {

    /** The simulator's price: nothing, by design (it is not a model). */
    public static final Price FREE = new Price(0, 0, 0, "free", Source.FREE);

    private static final long PER_MILLION = 1_000_000L;
    private static final BigInteger BIG_PER_MILLION = BigInteger.valueOf(PER_MILLION);

    /** Where a price comes from. */
    public enum Source {
        /** the shipped model catalog (config/catalog.csv) */
        CATALOG,
        /** a {@code price} in frugal.yaml */
        CONFIG,
        /** derived from a deployment's {@code gpu} cost and throughput in frugal.yaml */
        GPU,
        /** the simulator */
        FREE;

        /** Lower-case name, as written in docs and ledger rows. */
        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    public Price {
        if (input < 0 || cachedInput < 0 || output < 0) throw new IllegalArgumentException("a price cannot be negative");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }

    /** A price whose version is its own numbers ({@code config:150000/75000/600000}): a ledger row then says what it was charged at. */
    public static Price of(Source source, long input, long cachedInput, long output) {
        return new Price(input, cachedInput, output, source.id() + ":" + input + "/" + cachedInput + "/" + output, source);
    }

    /**
     * The cost of {@code u} in micro-USD: round-half-up of
     * ((prompt − cached) × input + cached × cachedInput + completion × output) / 1,000,000.
     * Exact: no floating point; sums too large for a {@code long} are computed with {@link BigInteger}.
     * Defensive about odd usage reports: negative counts count as 0 and cached tokens as at most the prompt.
     */
    public long costMicros(Usage u) {
        long prompt = Math.max(0, u.promptTokens());
        long cached = Math.min(Math.max(0, u.cachedTokens()), prompt);
        long completion = Math.max(0, u.completionTokens());
        long uncached = prompt - cached;
        try {
            long sum = Math.addExact(Math.addExact(Math.multiplyExact(uncached, input), Math.multiplyExact(cached, cachedInput)),
                    Math.multiplyExact(completion, output));
            long half = PER_MILLION / 2;
            return sum > Long.MAX_VALUE - half ? bigCost(uncached, cached, completion) : (sum + half) / PER_MILLION;
        } catch (ArithmeticException overflow) {
            return bigCost(uncached, cached, completion);
        }
    }

    private long bigCost(long uncached, long cached, long completion) {
        BigInteger sum = BigInteger.valueOf(uncached).multiply(BigInteger.valueOf(input))
                .add(BigInteger.valueOf(cached).multiply(BigInteger.valueOf(cachedInput)))
                .add(BigInteger.valueOf(completion).multiply(BigInteger.valueOf(output)));
        BigInteger micros = sum.add(BIG_PER_MILLION.shiftRight(1)).divide(BIG_PER_MILLION);
        return micros.bitLength() < 64 ? micros.longValue() : Long.MAX_VALUE;
    }
}
