package dev.frugal.config;

import java.util.List;

/** A model name clients call, from {@code models[]}, served by one or more deployments. */
public record ModelConfig(String name, List<Deployment> deployments, Strategy strategy, String ownedBy, long created) {

    /** How the deployments of a model share its traffic. */
    public enum Strategy { ORDERED, WEIGHTED }

    /**
     * One place the model runs: a provider plus the model name that provider knows it by.
     *
     * @param reasoning     what to do with {@code <think>…</think>} in the upstream's content
     * @param thinkPrefilled the model's chat template already opened {@code <think>}, so output starts inside it
     */
    public record Deployment(String provider, String upstreamModel, int weight, Reasoning reasoning, boolean thinkPrefilled) {
        public Deployment(String provider, String upstreamModel, int weight) {
            this(provider, upstreamModel, weight, Reasoning.SPLIT, false);
        }
    }

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
