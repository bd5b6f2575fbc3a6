package dev.frugal.catalog;

import dev.frugal.core.Price;

import java.time.LocalDate;

/**
 * One row of the model catalog (config/catalog.csv). Unknown numbers are 0, unknown flags null.
 *
 * @param provider      who serves it: {@code openai}, {@code anthropic}, {@code google}, {@code deepseek},
 *                      {@code mistral}, {@code groq}, {@code together}, or {@code self-hosted} (open weights, no price)
 * @param model         the provider's model id
 * @param contextWindow tokens of context, 0 when unknown
 * @param maxOutput     most completion tokens per request, 0 when unknown
 * @param price         the list price (source {@code catalog}), or null when the row has none (self-hosted rows)
 * @param qualityValue  the quality signal's value (e.g. an LMArena score), or null
 * @param asOf          the date the price (or, without price, the quality figure) was last checked in its source
 */
public record CatalogEntry(String provider, String model, int contextWindow, int maxOutput, Price price,
                           Boolean tools, Boolean vision, Boolean json, Boolean reasoning,
                           String qualitySignal, Double qualityValue, String qualitySource, String priceSource,
                           LocalDate asOf) {

    /** The most completion tokens one request can produce: max output, else the context window, else 0 (unknown). */
    public int outputLimit() {
        return maxOutput > 0 ? maxOutput : contextWindow;
    }
}
