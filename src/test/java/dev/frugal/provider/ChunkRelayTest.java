package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class ChunkRelayTest {

    /** Records what the relay tells the upstream side. */
    private static final class FakeUpstream implements ChunkRelay.Upstream {
        final List<String> calls = new ArrayList<>();
        @Override public void pause() { calls.add("pause"); }
        @Override public void resume() { calls.add("resume"); }
        @Override public void cancel() { calls.add("cancel"); }
    }

    /** Records what the relay delivers to the consumer, in order. */
    private static class Recorder implements ChunkStream.Handler {
        final List<String> seen = new ArrayList<>();
        Throwable error;
        @Override public void onChunk(String json) { seen.add(json); }
        @Override public void onEnd() { seen.add("<end>"); }
        @Override public void onError(Throwable failure) { seen.add("<error>"); error = failure; }
    }

    private final ChunkRelay relay = new ChunkRelay();
    private final FakeUpstream upstream = new FakeUpstream();
    private final Recorder handler = new Recorder();

    { relay.upstream(upstream); }

    // ---- before start ---------------------------------------------------------------------

    @Test
    void readyCompletesWithTheFirstChunkAndPausesTheUpstream() {
        assertFalse(relay.ready().isComplete());
        relay.emit("a");
        assertTrue(relay.ready().succeeded());
        assertSame(relay, relay.ready().result());
        assertEquals(List.of("pause"), upstream.calls);
    }

    @Test
    void chunksQueuedBeforeStartAreDeliveredInOrderAfterStart() {
        relay.emit("a");
        relay.emit("b");
        relay.emit("c");
        assertEquals(List.of(), handler.seen);

        relay.start(handler);
        assertEquals(List.of("a", "b", "c"), handler.seen);
        assertEquals(3, relay.chunksDelivered());
        assertEquals("resume", upstream.calls.get(upstream.calls.size() - 1));

        relay.emit("d");
        assertEquals(List.of("a", "b", "c", "d"), handler.seen);
        assertEquals(4, relay.chunksDelivered());
    }

    @Test
    void endThatArrivedBeforeStartIsDeliveredAfterTheQueuedChunks() {
        relay.emit("a");
        relay.end();
        relay.start(handler);
        assertEquals(List.of("a", "<end>"), handler.seen);
    }

    @Test
    void failureThatArrivedBeforeStartIsDeliveredAfterTheQueuedChunks() {
        UpstreamFailure boom = new UpstreamFailure(UpstreamFailure.Kind.NETWORK, "gone");
        relay.emit("a");
        relay.fail(boom);
        relay.start(handler);
        assertEquals(List.of("a", "<error>"), handler.seen);
        assertSame(boom, handler.error);
    }

    @Test
    void readyFailsWhenTheUpstreamFailsBeforeTheFirstChunk() {
        UpstreamFailure boom = new UpstreamFailure(UpstreamFailure.Kind.OVERLOADED, "busy");
        relay.fail(boom);
        assertTrue(relay.ready().failed());
        assertSame(boom, relay.ready().cause());
        relay.emit("late");
        relay.end();
        assertTrue(relay.ready().failed(), "nothing after a failure changes the outcome");
    }

    @Test
    void readyFailsAsProtocolErrorWhenTheUpstreamEndsBeforeTheFirstChunk() {
        relay.end();
        UpstreamFailure f = assertInstanceOf(UpstreamFailure.class, relay.ready().cause());
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
        assertTrue(f.retryable(), "no byte reached the client, so another backend may still serve");
    }

    // ---- the end, exactly once ------------------------------------------------------------

    @Test
    void endIsDeliveredExactlyOnce() {
        relay.emit("a");
        relay.start(handler);
        relay.end();
        relay.end();
        relay.fail(new UpstreamFailure(UpstreamFailure.Kind.NETWORK, "late"));
        relay.resume();
        relay.emit("after end");
        assertEquals(List.of("a", "<end>"), handler.seen);
    }

    @Test
    void failureIsDeliveredExactlyOnceAndEndsTheStream() {
        relay.emit("a");
        relay.start(handler);
        relay.fail(new UpstreamFailure(UpstreamFailure.Kind.NETWORK, "first"));
        relay.fail(new UpstreamFailure(UpstreamFailure.Kind.NETWORK, "second"));
        relay.end();
        relay.emit("after failure");
        relay.resume();
        assertEquals(List.of("a", "<error>"), handler.seen);
        assertEquals("first", handler.error.getMessage());
    }

    // ---- cancel ---------------------------------------------------------------------------

    @Test
    void cancelStopsDeliveryAndCancelsTheUpstream() {
        relay.emit("a");
        relay.start(handler);
        relay.cancel();
        relay.emit("b");
        relay.end();
        assertEquals(List.of("a"), handler.seen);
        assertEquals(1, upstream.calls.stream().filter("cancel"::equals).count());
        assertTrue(relay.cancelled());
    }

    @Test
    void cancelFromInsideTheHandlerDropsTheRestOfTheQueue() {
        relay.emit("a");
        relay.emit("b");
        relay.emit("c");
        relay.start(new Recorder() {
            @Override public void onChunk(String json) {
                super.onChunk(json);
                relay.cancel();
            }
        });
        assertEquals(1, relay.chunksDelivered());
        assertTrue(upstream.calls.contains("cancel"));
    }

    @Test
    void cancelTwiceCancelsTheUpstreamOnce() {
        relay.emit("a");
        relay.cancel();
        relay.cancel();
        assertEquals(1, upstream.calls.stream().filter("cancel"::equals).count());
    }

    @Test
    void cancelAfterTheUpstreamEndedLeavesTheUpstreamAlone() {
        relay.emit("a");
        relay.start(handler);
        relay.end();
        relay.cancel();
        assertFalse(upstream.calls.contains("cancel"));
    }

    // ---- pause and resume -----------------------------------------------------------------

    @Test
    void pauseInsideTheHandlerHoldsTheQueueUntilResume() {
        relay.emit("a");
        relay.emit("b");
        relay.emit("c");
        relay.end();
        Recorder pausing = new Recorder() {
            @Override public void onChunk(String json) {
                super.onChunk(json);
                relay.pause();
            }
        };
        relay.start(pausing);
        assertEquals(List.of("a"), pausing.seen);
        relay.resume();
        assertEquals(List.of("a", "b"), pausing.seen);
        relay.resume();
        relay.resume();
        assertEquals(List.of("a", "b", "c", "<end>"), pausing.seen);
    }

    @Test
    void pauseAndResumeReachTheUpstream() {
        relay.emit("a");
        relay.start(handler);
        upstream.calls.clear();
        relay.pause();
        relay.resume();
        assertEquals(List.of("pause", "resume"), upstream.calls);
    }

    @Test
    void chunksArrivingWhilePausedAreHeldUntilResume() {
        relay.emit("a");
        relay.start(handler);
        relay.pause();
        relay.emit("b"); // the upstream may still hand over what it had already read
        relay.emit("c");
        relay.end();
        assertEquals(List.of("a"), handler.seen);

        relay.resume();
        assertEquals(List.of("a", "b", "c", "<end>"), handler.seen);
    }

    @Test
    void startWhilePausedDeliversNothingUntilResume() {
        relay.emit("a");
        relay.pause();
        relay.start(handler);
        assertEquals(List.of(), handler.seen);
        relay.resume();
        assertEquals(List.of("a"), handler.seen);
    }

    // ---- usage ----------------------------------------------------------------------------

    @Test
    void usageIsWhatTheAdapterReportedLast() {
        assertEquals(Usage.NONE, relay.usage());
        relay.usage(new Usage(1, 2, 0, 0));
        relay.usage(new Usage(3, 4, 0, 0));
        assertEquals(new Usage(3, 4, 0, 0), relay.usage());
    }
}
