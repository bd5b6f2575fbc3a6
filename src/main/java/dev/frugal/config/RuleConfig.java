package dev.frugal.config;

import java.util.Map;
import java.util.Set;

/**
 * One of {@code rules[]}: sends the requests it matches to a route, whatever model they name, so a
 * client need not change. Rules are tried in file order and the first that matches wins; a request no
 * rule matches goes where it names. Every condition given must hold; each lists the values it accepts
 * (docs/routing.md#rules). Immutable.
 *
 * @param name     the rule's {@code name}, else its place in the file ({@code rules[2]}): the decision names it
 * @param teams    team names, or empty for any team
 * @param keys     key ids ({@code key_…} issued by the admin API, {@code cfg_…} for keys of the file), or empty for any
 * @param headers  values of the request header {@code x-frugal-route}, or empty for any (absent included)
 * @param metadata entries the request body's {@code metadata} must hold (string values), or empty
 * @param models   the model or route names the client asked for, or empty for any
 * @param route    the route the matching requests go to
 */
public record RuleConfig(String name, Set<String> teams, Set<String> keys, Set<String> headers, Map<String, String> metadata,
                         Set<String> models, String route) {
}
