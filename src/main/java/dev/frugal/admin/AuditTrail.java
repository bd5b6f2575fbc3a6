package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;

/**
 * Where admin changes are recorded: every endpoint that changes something (teams, keys, and later
 * routes, cache purges, console actions) calls {@link #record} once the change is made. The
 * record says when, who ({@link Actor}), what ({@code action}, e.g. {@code team.update}), on what
 * ({@code team}, {@code target}) and how (the state {@code before} and {@code after}).
 *
 * <p>{@code before} and {@code after} must be views without secrets (no key, no key hash, no
 * credential); the implementation also drops fields named like secrets as a backstop. Read back
 * with {@code GET /admin/audit} (docs/admin-api.md).
 */
public interface AuditTrail {

    /**
     * Records one change. Blocking (the database): call it on a worker thread, as admin writes are.
     *
     * @param action what was done, lower case with dots: {@code team.create}, {@code key.revoke}
     * @param team   the team concerned, or null
     * @param target what was changed (a team name, a key id), or null
     * @param before the state before the change, or null (a creation)
     * @param after  the state after the change, or null (a deletion)
     */
    void record(Actor actor, String action, String team, String target, JsonNode before, JsonNode after);

    /**
     * Who made a change: the credential's id (never the credential: {@code admin-key:} and the first
     * 8 hex digits of the admin key's SHA-256) and the client's address.
     */
    record Actor(String credential, String address) {
        private static final String KEY = "frugal.admin.actor";

        /** The actor of an admin request, as {@link AdminRoutes}'s guard recorded it. Read it on the event loop. */
        public static Actor of(RoutingContext ctx) {
            Actor a = ctx.get(KEY);
            if (a == null) throw new IllegalStateException("no admin actor: the request did not pass the admin-key guard");
            return a;
        }

        void attachTo(RoutingContext ctx) {
            ctx.put(KEY, this);
        }
    }
}
