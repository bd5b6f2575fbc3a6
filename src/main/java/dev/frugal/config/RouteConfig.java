package dev.frugal.config;

import java.util.List;

/**
 * A virtual model from {@code routes[]}: clients call its name like a model's, and the gateway tries
 * its candidate models (each with its own deployments) in the order its objective gives.
 *
 * @param candidates configured model names, as listed
 * @param created    the {@code created} time shown by {@code /v1/models}
 */
public record RouteConfig(String name, List<String> candidates, Objective objective, long created) {

    /** How the candidates are ordered. {@code best} and {@code fastest} come with the routing policy. */
    public enum Objective {
        /** As listed. */
        ORDERED,
        /** By the price of a nominal request, cheapest first; unpriced candidates last. */
        CHEAPEST
    }
}
