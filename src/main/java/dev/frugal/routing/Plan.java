package dev.frugal.routing;

import java.util.List;

/**
 * The ordered attempts for one request, and the decision that chose them.
 *
 * @param attempts the deployments to try, first choice first; empty only when every deployment able to
 *                 serve had no price and the config refuses those (the caller answers 403 {@code model_unpriced})
 * @param shadow   the deployment the route's shadow policy would have tried first, with the scores it read, or
 *                 null when the route has none (or nothing was kept): recorded, never called
 */
public record Plan(List<Attempt> attempts, Decision decision, Candidate shadow) {
    public Plan(List<Attempt> attempts, Decision decision) {
        this(attempts, decision, null);
    }
}
