package dev.frugal.routing;

import java.util.List;

/**
 * The ordered attempts for one request, and the decision that chose them.
 *
 * @param attempts the deployments to try, first choice first; empty only when every deployment able to
 *                 serve had no price and the config refuses those (the caller answers 403 {@code model_unpriced})
 */
public record Plan(List<Attempt> attempts, Decision decision) {}
