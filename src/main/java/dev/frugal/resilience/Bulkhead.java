package dev.frugal.resilience;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A deployment's bulkhead: at most {@code max} requests in flight, and a bounded FIFO of requests
 * waiting for a slot. A released slot passes straight to the oldest waiter, so a newcomer never
 * overtakes those already waiting. A waiter that gives up is {@linkplain #withdraw withdrawn}:
 * from then on it can no longer be handed a slot, so no slot is ever lost to a request that left.
 *
 * <p>Thread-safe: requests of every event loop share one bulkhead. One short lock guards the
 * count and the queue together (so a release and a newcomer's enqueue never miss each other);
 * it is never held while a waiter is told, which happens after the lock is released, on the
 * releasing thread — the waiter's callback hops to its own event loop.
 */
final class Bulkhead {
    /** The answer to a request for a slot. */
    enum Slot { GRANTED, QUEUED, FULL }

    /** A request waiting for a slot. */
    static final class Waiter {
        private final Runnable onSlot;

        /** @param onSlot runs once when the waiter is handed a slot, on the releasing thread; must not throw */
        Waiter(Runnable onSlot) { this.onSlot = onSlot; }
    }

    private int inFlight;
    /** The limit last asked for; a config reload may change it. Integer.MAX_VALUE = unbounded. */
    private int limit = Integer.MAX_VALUE;
    private final LinkedHashSet<Waiter> queue = new LinkedHashSet<>();

    /**
     * Takes a slot when one is free and nobody waits for it; else queues {@code waiter} when the
     * queue holds fewer than {@code maxQueue}; else FULL. A QUEUED waiter is later either handed a
     * slot (its callback runs) or withdrawn — never both.
     *
     * @param max      slots (0 = unbounded)
     * @param maxQueue waiters allowed (0 = none)
     * @param waiter   the request's waiter, or null when it may not wait
     */
    Slot acquire(int max, int maxQueue, Waiter waiter) {
        List<Waiter> granted;
        Slot answer;
        synchronized (this) {
            limit = max <= 0 ? Integer.MAX_VALUE : max;
            granted = grantWhileRoom(); // a raised limit first serves those already waiting
            if (queue.isEmpty() && inFlight < limit) {
                inFlight++;
                answer = Slot.GRANTED;
            } else if (waiter != null && queue.size() < maxQueue) {
                queue.add(waiter);
                answer = Slot.QUEUED;
            } else {
                answer = Slot.FULL;
            }
        }
        tell(granted);
        return answer;
    }

    /** Gives a slot back; the oldest waiter, if any, gets it. */
    void release() {
        List<Waiter> granted;
        synchronized (this) {
            inFlight--;
            granted = grantWhileRoom();
        }
        tell(granted);
    }

    /**
     * Takes a waiter out of the queue. True when it was still waiting (it will never get a slot);
     * false when it was already handed one — its callback has run or is on its way, and it must
     * {@link #release} that slot.
     */
    synchronized boolean withdraw(Waiter waiter) { return queue.remove(waiter); }

    synchronized int inFlight() { return inFlight; }

    synchronized int queued() { return queue.size(); }

    /** Hands free slots to the oldest waiters; called with the lock held. */
    private List<Waiter> grantWhileRoom() {
        if (queue.isEmpty() || inFlight >= limit) return List.of();
        List<Waiter> out = new ArrayList<>(1);
        Iterator<Waiter> it = queue.iterator();
        while (it.hasNext() && inFlight < limit) {
            out.add(it.next());
            it.remove();
            inFlight++;
        }
        return out;
    }

    private static void tell(List<Waiter> granted) {
        for (Waiter w : granted) w.onSlot.run();
    }
}
