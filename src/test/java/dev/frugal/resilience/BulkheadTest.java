package dev.frugal.resilience;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slots and the FIFO of waiters: order, withdrawal, config changes, and no lost slot under many threads. */
@Tag("unit")
class BulkheadTest {
    final Bulkhead bulkhead = new Bulkhead();
    final List<String> woken = new ArrayList<>();

    Bulkhead.Waiter waiter(String name) { return new Bulkhead.Waiter(() -> woken.add(name)); }

    @Test
    void slotsUpToTheLimitThenWaitersUpToTheQueueThenFull() {
        assertEquals(Bulkhead.Slot.GRANTED, bulkhead.acquire(2, 1, waiter("a")));
        assertEquals(Bulkhead.Slot.GRANTED, bulkhead.acquire(2, 1, waiter("b")));
        assertEquals(Bulkhead.Slot.QUEUED, bulkhead.acquire(2, 1, waiter("c")));
        assertEquals(Bulkhead.Slot.FULL, bulkhead.acquire(2, 1, waiter("d")));
        assertEquals(Bulkhead.Slot.FULL, bulkhead.acquire(2, 0, null), "a request that may not wait");
        assertEquals(2, bulkhead.inFlight());
        assertEquals(1, bulkhead.queued());
    }

    @Test
    void releasedSlotsGoToWaitersInArrivalOrderAndAWithdrawnWaiterIsSkipped() {
        bulkhead.acquire(1, 3, null);
        Bulkhead.Waiter x = waiter("x"), y = waiter("y"), z = waiter("z");
        bulkhead.acquire(1, 3, x);
        bulkhead.acquire(1, 3, y);
        bulkhead.acquire(1, 3, z);
        assertTrue(bulkhead.withdraw(y));
        bulkhead.release();
        assertEquals(List.of("x"), woken);
        assertFalse(bulkhead.withdraw(x), "x holds a slot now: it must release it");
        bulkhead.release();
        assertEquals(List.of("x", "z"), woken);
        bulkhead.release();
        assertEquals(0, bulkhead.inFlight());
        assertEquals(0, bulkhead.queued());
        assertEquals(Bulkhead.Slot.GRANTED, bulkhead.acquire(1, 3, null));
    }

    @Test
    void aNewcomerNeverOvertakesAWaiter() {
        bulkhead.acquire(1, 2, null);
        bulkhead.acquire(1, 2, waiter("w"));
        bulkhead.release(); // straight to w: no gap a newcomer could slip into
        assertEquals(Bulkhead.Slot.QUEUED, bulkhead.acquire(1, 2, waiter("n")));
        assertEquals(List.of("w"), woken);
    }

    @Test
    void aRaisedLimitServesThoseAlreadyWaitingFirst() {
        bulkhead.acquire(1, 5, null);
        bulkhead.acquire(1, 5, waiter("w1"));
        bulkhead.acquire(1, 5, waiter("w2"));
        assertEquals(Bulkhead.Slot.QUEUED, bulkhead.acquire(3, 5, waiter("w3")), "the reload's two new slots went to w1 and w2");
        assertEquals(List.of("w1", "w2"), woken);
        assertEquals(3, bulkhead.inFlight());
    }

    @Test
    void aLoweredLimitHandsNoSlotOverUntilInFlightIsBelowIt() {
        for (int i = 0; i < 3; i++) bulkhead.acquire(3, 5, null);
        bulkhead.acquire(1, 5, waiter("w"));
        bulkhead.release();
        bulkhead.release();
        assertEquals(List.of(), woken, "still 1 in flight, the new limit");
        bulkhead.release();
        assertEquals(List.of("w"), woken);
    }

    /**
     * Many threads take, wait for, give up and give back slots at random. Never more holders than
     * the limit; a withdrawn waiter is never woken; every waiter that was not withdrawn is woken
     * exactly once; at the end nothing is in flight and nobody waits — no slot was lost.
     */
    @Test
    void noSlotIsLostOrOverGivenUnderAHammerOfThreads() throws Exception {
        int threads = 6, rounds = 5_000, max = 3, maxQueue = 4;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger withdrawn = new AtomicInteger();
        AtomicInteger servedAfterWait = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    for (int i = 0; i < rounds; i++) {
                        AtomicInteger wakes = new AtomicInteger();
                        Bulkhead.Waiter w = new Bulkhead.Waiter(() -> {
                            wakes.incrementAndGet();
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        });
                        Bulkhead.Slot slot = bulkhead.acquire(max, maxQueue, w);
                        if (slot == Bulkhead.Slot.FULL) continue;
                        if (slot == Bulkhead.Slot.GRANTED) {
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        } else {
                            boolean giveUp = random.nextInt(3) == 0;
                            if (giveUp) spin(random.nextInt(50));
                            if (giveUp && bulkhead.withdraw(w)) {
                                withdrawn.incrementAndGet();
                                if (wakes.get() != 0) problem.compareAndSet(null, "a withdrawn waiter was woken");
                                continue;
                            }
                            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (wakes.get() == 0) { // the slot is on its way (or will be): wait for it
                                if (System.nanoTime() > until) { problem.compareAndSet(null, "a waiter was never woken"); return; }
                                Thread.yield(); // a few cores: let the holders run
                            }
                            if (wakes.get() != 1) problem.compareAndSet(null, "a waiter woken twice");
                            servedAfterWait.incrementAndGet();
                        }
                        spin(random.nextInt(20));
                        holders.decrementAndGet();
                        bulkhead.release();
                    }
                } finally {
                    done.countDown();
                }
            });
            started.add(thread);
            thread.start();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "the hammer finished");
        for (Thread t : started) t.join();
        assertNull(problem.get());
        assertTrue(maxHolders.get() <= max, "at most " + max + " holders, saw " + maxHolders.get());
        assertEquals(0, bulkhead.inFlight(), "no slot lost");
        assertEquals(0, bulkhead.queued(), "nobody left waiting");
        assertTrue(servedAfterWait.get() > 0 && withdrawn.get() > 0,
                "both paths exercised: served after a wait " + servedAfterWait + ", withdrawn " + withdrawn);
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) Thread.yield();
    }

    @Test
    void aWaiterIsToldOutsideTheLock() throws Exception {
        bulkhead.acquire(1, 1, null);
        AtomicBoolean otherThreadGotIn = new AtomicBoolean();
        bulkhead.acquire(1, 1, new Bulkhead.Waiter(() -> {
            Thread other = new Thread(() -> otherThreadGotIn.set(bulkhead.queued() == 0));
            other.start();
            try { other.join(5_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }));
        bulkhead.release();
        assertTrue(otherThreadGotIn.get(), "another thread could use the bulkhead while a waiter was told");
    }
}
