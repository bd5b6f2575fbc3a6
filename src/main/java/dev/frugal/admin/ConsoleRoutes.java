package dev.frugal.admin;

import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.pipeline.UsageReports;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.keys.KeyRecord;
import dev.frugal.tenancy.teams.TeamDirectory;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console's sign-in, sign-out and its door to the admin API (docs/console.md). An admin signs in with
 * the admin key, a team lead with a team key (a read-only view of that team alone). The session is a signed
 * cookie ({@link ConsoleSession}): HttpOnly, SameSite=Strict, Secure over TLS. The pages' scripts call
 * {@code /console/api/<path>}: for an admin session, a change must carry the session's CSRF token, and the
 * request is then rerouted to {@code /admin/<path>} — the admin API's own handlers, validation and audit trail,
 * the actor {@code console:admin-key:…}. A team session may read its usage report (the report code of
 * {@code /v1/usage}, restricted to its team) and its own team and keys; anything else is 403, checked here on
 * every request, and its key must still be valid. Wrong keys count against the admin API's throttle.
 */
@Singleton
public class ConsoleRoutes {
    static final String COOKIE = "frugal_console";
    static final String LOGIN_COOKIE = "frugal_console_login";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Pattern TEAM_READ = Pattern.compile("/teams/([^/]+)(/keys)?");

    @Inject AdminRoutes admin;
    @Inject ConsolePages pages;
    @Inject TeamDirectory directory;
    @Inject ConfigHolder configs;
    @Inject UsageReports reports;
    @Inject Database database;
    @Inject TimeSource time;

    /** How long a session lasts from sign-in. */
    @ConfigProperty(name = "frugal.console.session-ttl", defaultValue = "8h")
    Duration ttl;
    /** When the session cookie is marked Secure: {@code auto} (TLS, or {@code X-Forwarded-Proto: https}), {@code always}, {@code never}. */
    @ConfigProperty(name = "frugal.console.secure-cookie", defaultValue = "auto")
    String secureCookie;

    private byte[] secret;

    void register(@Observes Router router) {
        router.route("/console*").order(-20).handler(this::guard);
        router.get("/console").handler(ctx -> redirect(ctx, "/console/overview"));
        router.get("/console/").handler(ctx -> redirect(ctx, "/console/overview"));
        router.get("/console/login").handler(this::loginPage);
        router.post("/console/login").handler(BodyHandler.create(false).setBodyLimit(8 * 1024));
        router.post("/console/login").handler(this::login);
        router.post("/console/logout").handler(BodyHandler.create(false).setBodyLimit(8 * 1024));
        router.post("/console/logout").handler(this::logout);
        router.route("/console/api/*").handler(this::api);
        pages.register(router, this);
    }

    /** Off (404) without the admin key; security headers on every console answer. */
    private void guard(RoutingContext ctx) {
        AdminKey key = admin.key();
        if (key == null) {
            AdminResponses.error(ctx, 404, "not_found", "The console is off: set FRUGAL_ADMIN_KEY to turn it on.");
            return;
        }
        if (secret == null) secret = key.derive("frugal-console-session");
        ctx.response().putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                        + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        ctx.next();
    }

    // ---- sessions ---------------------------------------------------------------------------------

    /** The request's valid session, if any. */
    Optional<ConsoleSession> session(RoutingContext ctx) {
        var cookie = ctx.request().getCookie(COOKIE);
        return cookie == null ? Optional.empty() : ConsoleSession.open(cookie.getValue(), secret, time.instant());
    }

    String csrf(ConsoleSession s) {
        return s.csrf(secret);
    }

    private void loginPage(RoutingContext ctx) {
        if (session(ctx).isPresent()) {
            redirect(ctx, "/console/overview");
            return;
        }
        loginForm(ctx, 200, null);
    }

    /** The sign-in form, with a fresh double-submit token against login CSRF (a cookie and a hidden field). */
    private void loginForm(RoutingContext ctx, int status, String error) {
        String nonce = ConsoleSession.random();
        setCookie(ctx, LOGIN_COOKIE, nonce, 600);
        pages.login(ctx, status, nonce, error);
    }

    private void login(RoutingContext ctx) {
        var nonceCookie = ctx.request().getCookie(LOGIN_COOKIE);
        String nonce = ctx.request().getFormAttribute("nonce");
        if (nonceCookie == null || nonce == null || !java.security.MessageDigest.isEqual(nonce.getBytes(), nonceCookie.getValue().getBytes())) {
            loginForm(ctx, 403, "The sign-in form expired: sign in again.");
            return;
        }
        String address = address(ctx);
        Duration wait = admin.lockedOut(address);
        if (!wait.isZero()) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds())));
            loginForm(ctx, 429, "Too many failed sign-ins from this address: try again in " + Math.max(1, wait.toSeconds()) + " s.");
            return;
        }
        String key = Optional.ofNullable(ctx.request().getFormAttribute("key")).map(String::strip).orElse("");
        Caller team = teamOf(key);
        ConsoleSession s;
        if (admin.signIn(key, address, team != null, ctx)) {
            s = ConsoleSession.start(true, "", "admin-key:" + admin.key().id(), time.instant(), ttl.toSeconds());
        } else if (team != null) {
            s = ConsoleSession.start(false, team.team().name(), team.keyId(), time.instant(), ttl.toSeconds());
        } else {
            loginForm(ctx, 401, "That key is neither the admin key nor a valid team key.");
            return;
        }
        setCookie(ctx, LOGIN_COOKIE, "", 0);
        setCookie(ctx, COOKIE, s.seal(secret), ttl.toSeconds());
        redirect(ctx, "/console/overview");
    }

    /** The caller of a team key, or null. In memory, no I/O. */
    private Caller teamOf(String key) {
        if (key.isEmpty()) return null;
        try {
            return directory.authenticateKey(configs.get(), key);
        } catch (GatewayError notATeamKey) {
            return null;
        }
    }

    private void logout(RoutingContext ctx) {
        Optional<ConsoleSession> s = session(ctx);
        if (s.isPresent() && !s.get().csrfMatches(ctx.request().getFormAttribute("csrf"), secret)) {
            AdminResponses.error(ctx, new GatewayError(403, "invalid_request_error", "csrf_failed", null,
                    "The request lacks the console session's CSRF token."));
            return;
        }
        setCookie(ctx, COOKIE, "", 0);
        redirect(ctx, "/console/login");
    }

    // ---- the door to the admin API --------------------------------------------------------------------

    private void api(RoutingContext ctx) {
        ConsoleSession s = session(ctx).orElse(null);
        if (s == null) {
            AdminResponses.error(ctx, 401, "invalid_session", "Sign in to the console first.");
            return;
        }
        HttpMethod m = ctx.request().method();
        if (m != HttpMethod.GET && m != HttpMethod.HEAD && !s.csrfMatches(ctx.request().getHeader(CSRF_HEADER), secret)) {
            AdminResponses.error(ctx, new GatewayError(403, "invalid_request_error", "csrf_failed", null,
                    "A console change needs the session's CSRF token in " + CSRF_HEADER + "."));
            return;
        }
        String rest = ctx.normalizedPath().substring("/console/api".length());
        if (rest.contains("..") || rest.contains("//")) {
            AdminResponses.error(ctx, 404, "unknown_url", "Unknown console URL.");
            return;
        }
        String query = ctx.request().query();
        String target = "/admin" + rest + (query == null ? "" : "?" + query);
        if (s.admin()) {
            new AuditTrail.Actor("console:" + s.credential(), address(ctx)).attachTo(ctx);
            ConsoleSession.grant(ctx);
            ctx.reroute(m, target);
            return;
        }
        teamRead(ctx, s, m, rest, target);
    }

    /** A team session: its usage report and its own team and keys, read-only, while its key is valid. */
    private void teamRead(RoutingContext ctx, ConsoleSession s, HttpMethod m, String rest, String target) {
        Matcher team = TEAM_READ.matcher(rest);
        boolean report = "/reports/usage".equals(rest);
        if (m != HttpMethod.GET || !(report || team.matches() && s.team().equals(team.group(1)))) {
            AdminResponses.error(ctx, new GatewayError(403, "permission_error", "permission_denied", null,
                    "A team key's console session reads its own team's usage, budget and keys only."));
            return;
        }
        database.calls().run(() -> stillValid(s)).onComplete(ar -> {
            if (ar.failed()) {
                AdminResponses.error(ctx, ar.cause() instanceof GatewayError e ? e : GatewayError.internal("The console failed to check the session."));
            } else if (!ar.result()) {
                setCookie(ctx, COOKIE, "", 0);
                AdminResponses.error(ctx, 401, "invalid_session", "The key this session signed in with is no longer valid.");
            } else if (report) {
                reports.report(ctx::queryParam, s.team()).onComplete(r -> {
                    if (ctx.response().ended() || ctx.response().closed()) return;
                    if (r.failed()) AdminResponses.error(ctx, r.cause() instanceof GatewayError e ? e : GatewayError.internal("The usage report failed."));
                    else ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, r.result().contentType()).end(r.result().body());
                });
            } else {
                ConsoleSession.grant(ctx);
                ctx.reroute(m, target);
            }
        });
    }

    /** Whether a team session's key still authenticates: not revoked or expired, its team still there. Blocking (database). */
    private boolean stillValid(ConsoleSession s) {
        if (s.credential().startsWith("cfg_")) {
            String prefix = s.credential().substring(4).toLowerCase(Locale.ROOT);
            return configs.get().teamsByKeyHash().entrySet().stream()
                    .anyMatch(e -> e.getKey().startsWith(prefix) && e.getValue().name().equals(s.team()));
        }
        try {
            return directory.keys(s.team()).stream()
                    .anyMatch(k -> k.id().equals(s.credential()) && k.status(directory.now()) == KeyRecord.Status.ACTIVE);
        } catch (GatewayError teamGone) {
            return false;
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    private void setCookie(RoutingContext ctx, String name, String value, long maxAgeSeconds) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/console; HttpOnly; SameSite=Strict; Max-Age=")
                .append(maxAgeSeconds);
        if (secure(ctx)) c.append("; Secure");
        ctx.response().headers().add(HttpHeaders.SET_COOKIE, c.toString());
    }

    private boolean secure(RoutingContext ctx) {
        return switch (secureCookie.toLowerCase(Locale.ROOT)) {
            case "always" -> true;
            case "never" -> false;
            default -> ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
        };
    }

    static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
    }

    private static String address(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        return remote == null ? "unknown" : remote.host();
    }
}
