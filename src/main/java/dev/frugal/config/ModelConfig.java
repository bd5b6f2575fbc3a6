package dev.frugal.config;

import dev.frugal.core.Price;

import java.util.List;

/**
 * A model name clients call, from {@code models[]}, served by one or more deployments.
 *
 * @param price  the model's {@code price} from the file (source {@code config}), or null to take it from the catalog
 * @param traits the model's own {@code capabilities}, {@code context-window} and {@code quality}, over what the
 *               catalog says of each deployment; {@link ModelTraits#UNKNOWN} when it sets none
 */
public record ModelConfig(String name, List<Deployment> deployments, Strategy strategy, String ownedBy, long created,
                          Price price, ModelTraits traits) {

    public ModelConfig(String name, List<Deployment> deployments, Strategy strategy, String ownedBy, long created) {
        this(name, deployments, strategy, ownedBy, created, null, ModelTraits.UNKNOWN);
    }

    public ModelConfig(String name, List<Deployment> deployments, Strategy strategy, String ownedBy, long created,
                       Price price) {
        this(name, deployments, strategy, ownedBy, created, price, ModelTraits.UNKNOWN);
    }

    /** How the deployments of a model share its traffic. */
    public enum Strategy { ORDERED, WEIGHTED }

    /**
     * One place the model runs: a provider plus the model name that provider knows it by.
     *
     * @param reasoning     what to do with {@code <think>…</think>} in the upstream's content
     * @param thinkPrefilled the model's chat template already opened {@code <think>}, so output starts inside it
     * @param price         this deployment's own {@code price} (over the model's), or null
     * @param gpu           the cost of the hardware it runs on, from which its price is derived, or null
     */
    public record Deployment(String provider, String upstreamModel, int weight, Reasoning reasoning, boolean thinkPrefilled,
                             Price price, Gpu gpu) {
        public Deployment(String provider, String upstreamModel, int weight, Reasoning reasoning, boolean thinkPrefilled) {
            this(provider, upstreamModel, weight, reasoning, thinkPrefilled, null, null);
        }

        public Deployment(String provider, String upstreamModel, int weight) {
            this(provider, upstreamModel, weight, Reasoning.SPLIT, false);
        }
    }

    /**
     * The true cost of a deployment on hardware the admin runs: what the GPU(s) cost per hour and how
     * many tokens per second they process for this model (see docs/pricing.md for the formula).
     *
     * @param usdPerHourMicros        cost of the machine per hour, in micro-USD
     * @param outputTokensPerSecond   measured generation throughput (completion tokens per second)
     * @param inputTokensPerSecond    measured prompt processing throughput (prompt tokens per second)
     */
    public record Gpu(long usdPerHourMicros, double outputTokensPerSecond, double inputTokensPerSecond) {}

    /** Handling of reasoning that R1-style models write inside {@code <think>} tags in their content. */
    public enum Reasoning {
        /** Move it to {@code reasoning_content} (streaming-safe). */
        SPLIT,
        /** Leave the content unchanged. */
        PASS,
        /** Drop it. */
        STRIP
    }
}
