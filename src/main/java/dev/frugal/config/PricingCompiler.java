package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

/** The top-level {@code pricing} section: what to do with models that have no price. */
final class PricingCompiler {
    private final ConfigReader r;

    PricingCompiler(ConfigReader r) { this.r = r; }

    PricingSettings compile(JsonNode n) {
        if (n == null || n.isNull()) return PricingSettings.DEFAULT;
        if (!r.isMap(n, "pricing")) return PricingSettings.DEFAULT;
        r.allowOnly(n, "pricing", "reject-unpriced", "unpriced-warning-interval");
        return new PricingSettings(
                r.bool(n.get("reject-unpriced"), "pricing.reject-unpriced", Defaults.REJECT_UNPRICED),
                r.duration(n.get("unpriced-warning-interval"), "pricing.unpriced-warning-interval",
                        Defaults.UNPRICED_WARNING_INTERVAL));
    }
}
