package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.wire.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static dev.frugal.pipeline.ExactCacheE2ETest.A;
import static dev.frugal.pipeline.ExactCacheE2ETest.B;
import static dev.frugal.pipeline.ExactCacheE2ETest.post;
import static dev.frugal.pipeline.ExactCacheE2ETest.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantic cache end to end through {@code /v1/chat/completions} (frugal-test.yaml: the model
 * cache-semantic, max-false-hit-rate 0.2, no random verification, the real MiniLM). Each test asks in a
 * conversation of its own (a system prompt with a nonce: the rest of the request is part of the
 * partition), so that only its own prompts are candidates. A paraphrase is verified against the upstream
 * until the bound allows it and a verification proved the question's entry right at its similarity (the
 * per-entry proof, decision 0027); then it is served, {@code x-frugal-cache: semantic-hit}. The paraphrase's
 * variants differ only in trailing spaces: each is a request of its own for the exact cache, one
 * similarity for the embedding, so the bound's window fills in a dozen requests.
 */
@QuarkusTest
class SemanticCacheE2ETest extends SdkGatewayTest {
    static final String MODEL = "cache-semantic";
    static final String QUESTION = "What is the capital of France?";
    static final String PARAPHRASE = "Can you tell me the capital of France?";
    /** 11 verified answers bound the rate at 0.2 (one-sided Wilson, 95 %): the 12th is served; a little slack. */
    static final int MOST_TO_LEARN = 16;

    @Inject LedgerRows ledgerRows;

    @Override
    protected String key() { return A; }

    static ObjectNode ask(String conversation, String question) {
        ObjectNode b = Json.object().put("model", MODEL).put("temperature", 0);
        b.putArray("messages").add(Json.object().put("role", "system").put("content", conversation))
                .add(Json.object().put("role", "user").put("content", question));
        return b;
    }

    static String conversation() {
        return "You answer briefly. Conversation " + UUID.randomUUID();
    }

    /** The n-th variant of the paraphrase: the same words, n trailing spaces. */
    static String variant(int n) {
        return PARAPHRASE + " ".repeat(n);
    }

    /**
     * Stores the question's answer in a new conversation, then asks variants of its paraphrase until one
     * is served from the cache; returns the conversation, the question's answer and the hit.
     */
    private Learned learn(String key) {
        String conversation = conversation();
        Response first = stored(key, ask(conversation, QUESTION));
        assertEquals("miss", first.header("x-frugal-cache"), first.asString());
        for (int i = 1; i <= MOST_TO_LEARN; i++) {
            int calls = upstream.all().size();
            double settledBefore = settled();
            Response r = post(key, ask(conversation, variant(i)));
            assertEquals(200, r.statusCode(), r.asString());
            if ("semantic-hit".equals(r.header("x-frugal-cache"))) {
                assertEquals(calls, upstream.all().size(), "a semantic hit never reaches the upstream");
                return new Learned(conversation, first, r, i);
            }
            assertEquals("miss", r.header("x-frugal-cache"));
            assertEquals(calls + 1, upstream.all().size(), "verified against the upstream");
            waitUntilSettled(settledBefore); // its label follows the response by a moment
        }
        throw new AssertionError("no semantic hit after " + MOST_TO_LEARN + " verified paraphrases");
    }

    record Learned(String conversation, Response question, Response hit, int verified) {}

    /**
     * Waits (at most 10 s) until a request sent after {@code before} was read is settled in the cache: its
     * answer stored, or its verification labelled (a verification found right stores nothing). The count is
     * read before the request, since the settling may come before the response is read.
     */
    private static void waitUntilSettled(double before) {
        long until = System.nanoTime() + 10_000_000_000L;
        while (settled() < before + 1 && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static double settled() {
        MetricsPage page = MetricsPage.scrape();
        return page.value("frugal_cache_stores_total", "result=\"stored\"") + page.value("frugal_cache_semantic_labels_total");
    }

    @Test
    void aParaphraseIsServedOnceVerifiedAnswersBoundTheFalseHitRateAndTheLedgerMarksTheHit() throws Exception {
        Learned l = learn(A);
        assertTrue(l.verified() >= 11, "at 0.2 the bound needs 11 verified answers first, served after " + l.verified());
        assertEquals(l.question().asString(), l.hit().asString(), "the stored answer, byte for byte");
        assertEquals("0", l.hit().header("x-frugal-attempts"));
        Map<String, Object> row = ledgerRows.row(l.hit().header("x-request-id"));
        assertEquals(true, row.get("cache_hit"));
        assertEquals("cache", row.get("provider"));
        assertTrue(String.valueOf(row.get("route_decision")).startsWith("cache hit (semantic)"), String.valueOf(row.get("route_decision")));
        assertTrue(MetricsPage.scrape().value("frugal_cache_requests_total", "model=\"cache-semantic\"", "result=\"semantic-hit\"") >= 1);
    }

    /** Team B's own pool (team A's is learned by whichever test runs first, and one asserts it learns from nothing). */
    @Test
    void aNewEntryIsVerifiedOnceThoughThePoolAllowsItThenServes() {
        learn(B); // the pool of team B now allows the paraphrase's similarity
        String conversation = conversation(); // a new partition of the same pool: a new entry, unproven
        assertEquals("miss", stored(B, ask(conversation, QUESTION)).header("x-frugal-cache"));
        double unproven = MetricsPage.scrape().value("frugal_cache_semantic_unproven_total", "model=\"cache-semantic\"");
        int calls = upstream.all().size();
        double settledBefore = settled();
        Response proof = post(B, ask(conversation, variant(1)));
        assertEquals("miss", proof.header("x-frugal-cache"), "verified: no verification has proven this entry yet");
        assertEquals(calls + 1, upstream.all().size());
        assertEquals(unproven + 1, MetricsPage.scrape().value("frugal_cache_semantic_unproven_total", "model=\"cache-semantic\""));
        waitUntilSettled(settledBefore);
        Response served = post(B, ask(conversation, variant(2)));
        assertEquals("semantic-hit", served.header("x-frugal-cache"), "proven right at this similarity, it serves");
        assertEquals(calls + 1, upstream.all().size());
    }

    @Test
    void isSevenPrimeNeverGetsTheAnswerOfIsNinePrime() {
        Learned l = learn(A);
        double blocked = MetricsPage.scrape().value("frugal_cache_semantic_blocked_total", "guard=\"number\"");
        stored(A, ask(l.conversation(), "Is 9 a prime number?"));
        int calls = upstream.all().size();
        Response seven = post(A, ask(l.conversation(), "Is 7 a prime number?"));
        assertEquals("miss", seven.header("x-frugal-cache"));
        assertEquals(calls + 1, upstream.all().size(), "answered by the upstream");
        assertEquals(blocked + 1, MetricsPage.scrape().value("frugal_cache_semantic_blocked_total", "guard=\"number\""));
    }

    @Test
    void anotherTeamNeverGetsTheHit() {
        Learned l = learn(A);
        int calls = upstream.all().size();
        Response other = post(B, ask(l.conversation(), variant(l.verified() + 1)));
        assertNotEquals("semantic-hit", other.header("x-frugal-cache"));
        assertEquals(calls + 1, upstream.all().size());
        assertEquals("semantic-hit", post(A, ask(l.conversation(), variant(l.verified() + 2))).header("x-frugal-cache"),
                "the team that asked still gets it");
    }

    @Test
    void aSemanticHitReplaysAsAStream() {
        Learned l = learn(A);
        ObjectNode body = ask(l.conversation(), variant(l.verified() + 1)).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        Response r = post(A, body);
        assertEquals("semantic-hit", r.header("x-frugal-cache"));
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        String sse = r.asString();
        assertTrue(sse.contains("\"role\":\"assistant\""), sse);
        assertTrue(sse.contains("echo echo-semantic"), sse);
        assertTrue(sse.contains("\"usage\""), sse);
        assertTrue(sse.trim().endsWith("data: [DONE]"), sse);
    }

    @Test
    void noCacheAndNoStoreAreRespected() {
        Learned l = learn(A);
        int calls = upstream.all().size();
        Response noCache = post(A, ask(l.conversation(), variant(l.verified() + 1)), "Cache-Control", "no-cache");
        assertEquals("bypass", noCache.header("x-frugal-cache"));
        Response noStore = post(A, ask(l.conversation(), variant(l.verified() + 2)), "Cache-Control", "no-store");
        assertEquals("bypass", noStore.header("x-frugal-cache"));
        assertEquals(calls + 2, upstream.all().size(), "both went upstream");
    }
}
