package dev.frugal.api;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.quotas.Quotas;
import dev.frugal.tenancy.quotas.Ticket;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 429s of the gateway's {@link Quotas} bean (in-process counters: no Redis configured) as both
 * API surfaces write them: {@code Retry-After}, {@code x-ratelimit-*}, {@code x-should-retry: false}.
 */
@QuarkusTest
class QuotaErrorResponsesTest {
    @Inject Quotas quotas;
    @Inject Vertx vertx;

    private HttpServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRateLimit429CarriesRetryAfterAndTheLimitHeaders() throws Exception {
        Caller c = caller("http-rpm", new Limits(1, 0, 0));
        Ticket t = quotas.admit(c, 1, 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("0", t.headers().get("x-ratelimit-remaining-requests"));
        GatewayError e = rejection(c);
        for (HttpResponse<String> r : List.of(written(e, false), written(e, true))) {
            assertEquals(429, r.statusCode());
            long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
            assertTrue(retryAfter > 50 && retryAfter <= 60, "the request comes back within the minute: " + retryAfter);
            assertEquals("1", r.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            assertEquals("0", r.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            String reset = r.headers().firstValue("x-ratelimit-reset-requests").orElseThrow();
            assertTrue(reset.equals("1m0s") || reset.matches("5\\d(\\.\\d{1,3})?s"), reset); // real time passes
            assertTrue(r.headers().firstValue("x-should-retry").isEmpty(), "a rate limit is worth retrying");
        }
        assertTrue(written(e, false).body().contains("\"code\":\"rate_limit_exceeded\""));
        assertTrue(written(e, false).body().contains("\"type\":\"requests\""));
        assertTrue(written(e, true).body().contains("\"type\":\"rate_limit_error\""));
    }

    @Test
    void aBudget429TellsTheSdksNotToRetry() throws Exception {
        Caller c = new Caller(new TeamConfig("http-budget", Set.of(), Set.of(), List.of(new Budget(0, Budget.Period.MONTH, true)),
                Limits.NONE, null), null, Limits.NONE, List.of());
        GatewayError e = rejection(c);
        for (HttpResponse<String> r : List.of(written(e, false), written(e, true))) {
            assertEquals(429, r.statusCode());
            assertEquals("false", r.headers().firstValue("x-should-retry").orElseThrow());
            assertTrue(r.headers().firstValue("retry-after").isEmpty());
        }
        assertTrue(written(e, false).body().contains("\"code\":\"budget_exceeded\""));
        assertTrue(written(e, false).body().contains("\"type\":\"insufficient_quota\""));
        assertTrue(written(e, true).body().contains("\"type\":\"billing_error\""));
    }

    @Test
    void anUpstreamOutOfQuotaAlsoTellsTheSdksNotToRetry() throws Exception {
        GatewayError e = new UpstreamFailure(UpstreamFailure.Kind.QUOTA_EXHAUSTED, "You exceeded your current quota.").toClientError();
        for (HttpResponse<String> r : List.of(written(e, false), written(e, true))) {
            // issue 10: the provider account's exhaustion is a gateway-side 503, no longer the caller's own 429 insufficient_quota
            assertEquals(503, r.statusCode());
            assertEquals("false", r.headers().firstValue("x-should-retry").orElseThrow());
        }
    }

    private GatewayError rejection(Caller c) throws Exception {
        try {
            quotas.admit(c, 1, 1).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("admitted");
        } catch (ExecutionException x) {
            return assertInstanceOf(GatewayError.class, x.getCause());
        }
    }

    private static Caller caller(String team, Limits limits) {
        return new Caller(new TeamConfig(team, Set.of(), Set.of(), List.of(), limits, null), null, Limits.NONE, List.of());
    }

    /** {@code e} as written by the OpenAI surface's error writer, or the Anthropic one's. */
    private HttpResponse<String> written(GatewayError e, boolean anthropic) throws Exception {
        if (server != null) server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        HttpEdge.Style style = anthropic ? MessagesRoutes.STYLE : OpenAiRoutes.STYLE;
        server = vertx.createHttpServer().requestHandler(req -> style.errors().write(req.response(), e))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
