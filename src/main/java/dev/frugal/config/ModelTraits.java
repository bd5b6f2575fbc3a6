package dev.frugal.config;

/**
 * What a model can do and how good its answers are, as far as the gateway knows: routing's filters
 * and the prior of predicted quality read it. A model's own settings in {@code models[]}
 * ({@code capabilities}, {@code context-window}, {@code quality}) are laid {@linkplain #over over}
 * what the catalog says of its deployment. Immutable.
 *
 * @param tools         it can call tools, or null when unknown
 * @param vision        it reads images, or null when unknown
 * @param json          it can be held to JSON output ({@code response_format}), or null when unknown
 * @param contextWindow tokens of context (prompt and output), 0 when unknown
 * @param quality       the prior of its answers' quality, 0..1, or NaN when unknown
 * @param qualitySource where {@code quality} comes from ({@code config}, or the catalog's signal), or null
 */
public record ModelTraits(Boolean tools, Boolean vision, Boolean json, int contextWindow, double quality,
                          String qualitySource) {
    /** Nothing known: no capability is denied, no context limit, no quality. */
    public static final ModelTraits UNKNOWN = new ModelTraits(null, null, null, 0, Double.NaN, null);

    /** These traits where known, the {@code fallback}'s elsewhere, field by field. */
    public ModelTraits over(ModelTraits fallback) {
        if (fallback == null || this == fallback) return this;
        boolean q = !Double.isNaN(quality);
        return new ModelTraits(tools != null ? tools : fallback.tools, vision != null ? vision : fallback.vision,
                json != null ? json : fallback.json, contextWindow > 0 ? contextWindow : fallback.contextWindow,
                q ? quality : fallback.quality, q ? qualitySource : fallback.qualitySource);
    }

    /** Whether nothing at all is known. */
    public boolean isUnknown() {
        return tools == null && vision == null && json == null && contextWindow <= 0 && Double.isNaN(quality);
    }
}
