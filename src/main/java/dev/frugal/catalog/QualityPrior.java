package dev.frugal.catalog;

import java.util.Locale;

/**
 * A catalog row's quality signal as a number from 0 to 1: the prior of a model's predicted quality
 * (docs/routing.md#predicted-quality). The catalog mixes signals, so each is mapped by its kind:
 * <ul>
 *   <li>an LMArena rating (Elo scale, signal starting {@code LMArena}): linear from
 *       {@value #ARENA_ZERO} (0) to {@value #ARENA_ONE} (1), clamped — about 0.3 for the weakest models
 *       listed (Phi-3 mini, 1145), 0.63 for gpt-4o-mini (1317), 0.94 for the strongest (1468);</li>
 *   <li>a percentage (signal with {@code (%)}, e.g. GPQA Diamond pass@1, MMLU): value / 100;</li>
 *   <li>any other signal whose value already lies in 0..1: as it is.</li>
 * </ul>
 * Anything else is unknown (NaN). The anchors put the two kinds on roughly the same footing for the
 * catalog's rows (the open-weight models rated both ways land within 0.1 of each other); they are a
 * prior, which an admin overrides per model or per route, and the learned estimator corrects. Pure.
 */
public final class QualityPrior {
    /** The LMArena rating that maps to 0. */
    public static final double ARENA_ZERO = 1000;
    /** The LMArena rating that maps to 1. */
    public static final double ARENA_ONE = 1500;

    private QualityPrior() {}

    /** The signal's value on 0..1, or NaN when the signal or the value is unknown. */
    public static double normalise(String signal, Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) return Double.NaN;
        String s = signal == null ? "" : signal.toLowerCase(Locale.ROOT);
        double v = value;
        if (s.startsWith("lmarena")) return clamp((v - ARENA_ZERO) / (ARENA_ONE - ARENA_ZERO));
        if (s.contains("(%)")) return v >= 0 && v <= 100 ? v / 100 : Double.NaN;
        return v >= 0 && v <= 1 ? v : Double.NaN;
    }

    /** The prior of a catalog row, or NaN when it has none. */
    public static double of(CatalogEntry e) {
        return e == null ? Double.NaN : normalise(e.qualitySignal(), e.qualityValue());
    }

    private static double clamp(double q) {
        return Math.max(0, Math.min(1, q));
    }
}
