package dev.frugal.config;

import java.util.List;

/** A model name clients call, from {@code models[]}, served by one or more deployments. */
public record ModelConfig(String name, List<Deployment> deployments, Strategy strategy, String ownedBy, long created) {

    /** How the deployments of a model share its traffic. */
    public enum Strategy { ORDERED, WEIGHTED }

    /** One place the model runs: a provider plus the model name that provider knows it by. */
    public record Deployment(String provider, String upstreamModel, int weight) {}
}
