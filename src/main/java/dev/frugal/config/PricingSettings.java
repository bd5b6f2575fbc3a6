package dev.frugal.config;

import java.time.Duration;

/**
 * The top-level {@code pricing} section: what to do with requests to a model that has no price.
 *
 * @param rejectUnpriced          refuse them (403 {@code model_unpriced}) instead of serving them flagged as unpriced
 * @param unpricedWarningInterval at most one warning per model per this interval is logged for them
 */
public record PricingSettings(boolean rejectUnpriced, Duration unpricedWarningInterval) {
    public static final PricingSettings DEFAULT = new PricingSettings(Defaults.REJECT_UNPRICED, Defaults.UNPRICED_WARNING_INTERVAL);
}
