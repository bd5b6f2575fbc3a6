package dev.frugal.routing;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.RequestView;

import java.util.function.Predicate;

/**
 * One request as the planner sees it: the name it asks for, who asks, and what it needs.
 *
 * @param name        the model or route the client asked for
 * @param team        the caller's team: its model list and data policy
 * @param keyId       the id of the caller's key (never the key), or null: what rules may match
 * @param routeHeader the request's {@code x-frugal-route} header, or null: what rules may match
 * @param view        the request (capabilities, estimated tokens, metadata), or null when only the name is
 *                    planned: then no rule applies and no capability or context window is checked
 * @param operation   the operation, for messages ({@code chat completions}, {@code embeddings})
 * @param capable     which providers can serve the operation
 * @param explain     read every score of every candidate kept (its cost, its speed), whatever the strategy
 *                    needs: for the explain endpoint, which shows them all
 */
public record Ask(String name, TeamConfig team, String keyId, String routeHeader, RequestView view, String operation,
                  Predicate<ProviderConfig> capable, boolean explain) {

    /** A request known by its name alone. */
    public static Ask of(String name, TeamConfig team, String operation, Predicate<ProviderConfig> capable) {
        return new Ask(name, team, null, null, null, operation, capable, false);
    }
}
