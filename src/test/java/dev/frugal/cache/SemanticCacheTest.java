package dev.frugal.cache;

import dev.frugal.config.SemanticPolicy;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The semantic cache's decisions and bookkeeping, with 2-dimensional vectors (the angle sets the similarity). */
@Tag("unit")
class SemanticCacheTest {
    static final String PARTITION = "team-a:chat;-;ctx", POOL = "team-a:chat;-;semantic";
    static final SemanticPolicy POLICY = new SemanticPolicy(true, 0.2, 0.8, 0.05, 0, Duration.ofMillis(100), true);
    final FakeTime time = new FakeTime();
    final SemanticCache cache = new SemanticCache(null, time, null, 1 << 20, 2, () -> 0.5);

    static float[] at(double similarity) {
        return new float[] {(float) similarity, (float) Math.sqrt(1 - similarity * similarity)};
    }

    CachedAnswer answer(String text, String team) {
        long now = time.millis();
        return new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"" + text + "\"}}]}"), new Usage(1, 1, 0, 0), "chat", "p", "u", 1, now,
                now + 60_000, team, "chat");
    }

    SemanticCache.Probe find(String prompt, double similarity) {
        SemanticCache.Probe p = cache.probe(PARTITION, POOL, prompt, POLICY);
        return cache.find(p, at(similarity)).result();
    }

    @Test
    void aCandidateIsVerifiedUntilTheBoundAllowsItThenServed() {
        cache.add(PARTITION, "What is the capital of France?", at(1), answer("Paris", "team-a"));
        for (int i = 0; i < 11; i++) {
            SemanticCache.Probe p = find("Can you tell me the capital of France?", 0.93);
            assertEquals(SemanticCache.Verdict.VERIFY, p.verdict(), "observation " + i);
            cache.settle(p, answer("Paris.", "team-a")); // the same answer, normalised
        }
        assertEquals(1, cache.size(), "a candidate that answered right adds no entry");
        assertEquals(11, cache.bound(POOL).labelled());
        SemanticCache.Probe served = find("Can you tell me the capital of France?", 0.93);
        assertEquals(SemanticCache.Verdict.HIT, served.verdict());
        assertEquals("chat", served.answer().model());
        assertEquals(SemanticCache.Verdict.VERIFY, find("Can you tell me the capital of France?", 0.85).verdict(),
                "no observation in [0.80, 0.85]: verified");
    }

    /** At {@code similarity} to {@code at(1)} too, on the other side of it: far from every {@code at(s)} but that one. */
    static float[] mirrored(double similarity) {
        return new float[] {(float) similarity, -(float) Math.sqrt(1 - similarity * similarity)};
    }

    /** A pool whose bound allows every similarity from 0.80 up: what is left to decide is the entry's own proof. */
    void poolAllowsEverything() {
        for (int i = 0; i <= 200; i++) cache.pool(POOL).add(0.80 + i * 0.001, true);
    }

    @Test
    void anEntryServesOnlyAChangeOfWordsAVerificationProvedRightAndAsFarOutAsItDid() {
        poolAllowsEverything();
        cache.add(PARTITION, "How do I reset my router?", at(1), answer("Hold the reset button", "team-a"));
        SemanticCache.Probe cold = find("What are the steps to reset my router?", 0.92);
        assertEquals(SemanticCache.Verdict.VERIFY, cold.verdict(), "a cold entry is verified though the pool allows 0.92");
        assertTrue(cold.unproven());

        SemanticCache.Probe proof = find("How can I reset my router?", 0.90); // the same content words
        assertEquals(SemanticCache.Verdict.VERIFY, proof.verdict());
        cache.settle(proof, answer("Hold the reset button.", "team-a")); // right at 0.90
        assertEquals(SemanticCache.Verdict.HIT, find("How can I reset my router?", 0.90).verdict(), "proven at 0.90 itself");
        assertEquals(SemanticCache.Verdict.HIT, find("how can i reset my router", 0.93).verdict(), "the same words, closer");
        SemanticCache.Probe farther = find("How could I reset my router?", 0.88);
        assertEquals(SemanticCache.Verdict.VERIFY, farther.verdict(), "farther out than proven");
        assertTrue(farther.unproven());
        SemanticCache.Probe otherWords = find("What are the steps to reset my router?", 0.92);
        assertEquals(SemanticCache.Verdict.VERIFY, otherWords.verdict(), "closer than the proof, but a word added that no verification saw");
        assertTrue(otherWords.unproven());
        cache.settle(otherWords, answer("Hold the reset button", "team-a"));
        assertEquals(SemanticCache.Verdict.HIT, find("What are the steps to reset my router?", 0.92).verdict(), "now proven for that word too");

        SemanticPolicy verifyAll = new SemanticPolicy(true, 0.2, 0.8, 0.05, 1, Duration.ofMillis(100), true);
        // two words added, not both at the end, pass the guards; mirrored: the wrong answer's own entry, added at its vector, must not be the later probes' nearest
        SemanticCache.Probe nearMiss = cache.find(cache.probe(PARTITION, POOL, "How do I reset my home router password?", verifyAll), mirrored(0.95)).result();
        assertEquals(SemanticCache.Verdict.VERIFY, nearMiss.verdict(), "a sampled verification");
        assertTrue(nearMiss.unproven());
        cache.settle(nearMiss, answer("Erase all settings", "team-a")); // wrong at 0.95
        assertEquals(2, cache.size(), "the fresh answer is an entry of its own");
        SemanticCache.Probe refuted = cache.find(cache.probe(PARTITION, POOL, "How do I reset my home router password?", POLICY), at(0.97)).result();
        assertEquals(SemanticCache.Verdict.VERIFY, refuted.verdict(), "that change of words is refuted, at any similarity");
        assertEquals(SemanticCache.Verdict.HIT, find("how can i reset my router", 0.93).verdict(), "a near miss refutes its own words, not the entry's proofs");

        SemanticCache.Probe wrong = cache.find(cache.probe(PARTITION, POOL, "What steps reset my router?", verifyAll), at(0.94)).result();
        assertEquals(SemanticCache.Verdict.VERIFY, wrong.verdict());
        cache.settle(wrong, answer("Unplug it", "team-a")); // the proven words, found wrong
        assertEquals(SemanticCache.Verdict.VERIFY, find("What are the steps to reset my router?", 0.96).verdict(), "refuted after its proof");
    }

    @Test
    void anEntryKeepsAtMostSixteenChangesOfWords() {
        poolAllowsEverything();
        cache.add(PARTITION, "How do I reset my router?", at(1), answer("Hold the reset button", "team-a"));
        // words that frame a question pass the guards before its first content word: seventeen changes of words
        String[] words = {"explain", "tell", "describe", "know", "need", "want", "help", "find", "way", "step", "process", "method",
                "instructions", "tips", "guide", "reason", "purpose"};
        for (String w : words) cache.settle(find(w + ": how do I reset my router?", 0.9), answer("Hold the reset button", "team-a"));
        assertEquals(SemanticCache.Verdict.HIT, find("guide: how do I reset my router?", 0.9).verdict(), "the fifteenth change");
        assertEquals(SemanticCache.Verdict.HIT, find("reason: how do I reset my router?", 0.9).verdict(), "the sixteenth change");
        SemanticCache.Probe past = find("purpose: how do I reset my router?", 0.9);
        assertEquals(SemanticCache.Verdict.VERIFY, past.verdict(), "past sixteen, a change stays unproven");
        assertTrue(past.unproven());
    }

    @Test
    void aProofIsAnEntrysOwnAndCanBeTurnedOff() {
        poolAllowsEverything();
        cache.add(PARTITION, "How do I reset my router?", at(1), answer("Hold the reset button", "team-a"));
        SemanticCache.Probe proof = find("How can I reset my router?", 0.90);
        cache.settle(proof, answer("Hold the reset button", "team-a"));
        SemanticCache.Probe other = cache.find(cache.probe("team-a:chat;-;other", POOL, "How can I reset my router?", POLICY), at(0.95)).result();
        assertEquals(SemanticCache.Verdict.MISS, other.verdict(), "another partition has no candidate");
        cache.add("team-a:chat;-;other", "How do I reset my router?", at(1), answer("Hold the reset button", "team-a"));
        other = cache.find(cache.probe("team-a:chat;-;other", POOL, "How can I reset my router?", POLICY), at(0.95)).result();
        assertEquals(SemanticCache.Verdict.VERIFY, other.verdict(), "the same prompt in another partition is an entry of its own, unproven");

        SemanticPolicy poolOnly = new SemanticPolicy(true, 0.2, 0.8, 0.05, 0, Duration.ofMillis(100), false);
        SemanticCache.Probe served = cache.find(cache.probe("team-a:chat;-;other", POOL, "How can I reset my router?", poolOnly), at(0.95)).result();
        assertEquals(SemanticCache.Verdict.HIT, served.verdict(), "without the proof, the pool's bound alone decides");
    }

    @Test
    void aWrongCandidateAddsTheFreshAnswerAndIsNeverServedAtThatSimilarityAgain() {
        // a near miss that passes every guard (two antonyms swapped at once; the word guard sees one)
        cache.add(PARTITION, "How do I tighten a loose screw?", at(1), answer("Turn it clockwise", "team-a"));
        SemanticCache.Probe p = find("How do I loosen a tight screw?", 0.95);
        assertEquals(SemanticCache.Verdict.VERIFY, p.verdict());
        cache.settle(p, answer("Turn it anticlockwise", "team-a"));
        assertEquals(1, cache.bound(POOL).wrong());
        assertEquals(2, cache.size(), "the fresh answer is an entry of its own");
    }

    @Test
    void guardsAndTheSimilarityFloorMakeMisses() {
        cache.add(PARTITION, "Is 9 a prime number?", at(1), answer("No", "team-a"));
        SemanticCache.Probe seven = find("Is 7 a prime number?", 0.97);
        assertEquals(SemanticCache.Verdict.BLOCKED, seven.verdict());
        assertEquals(Guards.Kind.NUMBER, seven.blockedBy());
        assertEquals(SemanticCache.Verdict.MISS, find("Tell me a joke", 0.5).verdict());
        assertEquals(SemanticCache.Verdict.MISS, cache.find(cache.probe("other:chat;-;ctx", POOL, "Is 9 a prime number?", POLICY), at(1))
                .result().verdict(), "another partition has no candidate");
    }

    @Test
    void expiredEntriesAreNoCandidatesAndPurgesRemoveATeamsEntries() {
        cache.add(PARTITION, "What is the capital of France?", at(1), answer("Paris", "team-a"));
        cache.add("team-b:chat;-;ctx", "What is the capital of France?", at(1), answer("Paris", "team-b"));
        assertEquals(1, cache.purge("team-b", null));
        assertEquals(1, cache.size());
        time.advance(Duration.ofMinutes(2));
        assertEquals(SemanticCache.Verdict.MISS, find("What is the capital of France?", 0.99).verdict());
    }

    @Test
    void theTierIsBoundedByBytesAndTheIndexFollowsEvictions() {
        SemanticCache small = new SemanticCache(null, time, null, 20_000, 2, () -> 0.5);
        for (int i = 0; i < 200; i++) small.add(PARTITION, "prompt " + i, at(0.5 + i / 400.0), answer("a" + i, "team-a"));
        assertTrue(small.bytes() <= 20_000, "bytes " + small.bytes());
        assertTrue(small.size() < 200);
        SemanticCache.Probe p = small.probe(PARTITION, POOL, "prompt 0", POLICY);
        small.find(p, at(1)).result(); // searches only what is left: no error on evicted slots
    }

    @Test
    void theWilsonBoundNeedsAbout270CorrectObservationsForOnePercent() {
        assertTrue(FalseHitBound.wilsonUpper(0, 268) <= 0.01);
        assertFalse(FalseHitBound.wilsonUpper(0, 267) <= 0.01);
        assertEquals(1, FalseHitBound.wilsonUpper(0, 0));
        assertTrue(FalseHitBound.wilsonUpper(5, 100) > 0.05, "above the observed rate");
    }

    @Test
    void sameAnswerNormalisesTextAndReadsToolCallsAsJson() {
        assertTrue(SameAnswer.of(answer("Paris", "t").body(), answer("  paris. ", "t").body()));
        assertFalse(SameAnswer.of(answer("Paris", "t").body(), answer("Lyon", "t").body()));
        Buffer a = Buffer.buffer("{\"choices\":[{\"finish_reason\":\"tool_calls\",\"message\":{\"content\":null,\"tool_calls\":[{\"function\":"
                + "{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1,\\\"y\\\":2}\"}}]}}]}");
        Buffer b = Buffer.buffer("{\"choices\":[{\"finish_reason\":\"tool_calls\",\"message\":{\"content\":null,\"tool_calls\":[{\"function\":"
                + "{\"name\":\"f\",\"arguments\":\"{\\\"y\\\": 2, \\\"x\\\": 1}\"}}]}}]}");
        assertTrue(SameAnswer.of(a, b));
        assertNull(cache.bound("nobody"));
    }
}
