package dev.frugal.config;

import java.time.Duration;

/**
 * How the semantic cache treats the requests of one team to one model or route ({@code cache.semantic},
 * per model or route under {@code cache.models.<name>.semantic}; docs/cache.md). Immutable.
 *
 * @param enabled          after an exact miss, look for a cached prompt close enough (needs the exact cache on)
 * @param maxFalseHitRate  the share of served semantic hits that may be wrong (0.0001–0.5): the learned bound keeps under it
 * @param minSimilarity    below this cosine similarity a cached prompt is not even a candidate (nor verified)
 * @param window           the observations that bound the false-hit rate at similarity s are those in [s − window, s]
 * @param verifyRate       the share of hits that are verified instead of served, so that the bound keeps learning
 * @param embedWait        the longest a request waits for its prompt's embedding before it goes on as a miss
 * @param perEntryProof    a cached prompt serves only a prompt that adds and drops the same content words as one for
 *                         which a verification found its answer right, at a similarity at least as high (decisions
 *                         0027, 0033); other candidates are verified
 */
public record SemanticPolicy(boolean enabled, double maxFalseHitRate, double minSimilarity, double window, double verifyRate,
                             Duration embedWait, boolean perEntryProof) {
    public static final SemanticPolicy OFF = new SemanticPolicy(Defaults.SEMANTIC_ENABLED, Defaults.SEMANTIC_MAX_FALSE_HIT_RATE,
            Defaults.SEMANTIC_MIN_SIMILARITY, Defaults.SEMANTIC_WINDOW, Defaults.SEMANTIC_VERIFY_RATE, Defaults.SEMANTIC_WAIT,
            Defaults.SEMANTIC_PER_ENTRY_PROOF);
}
