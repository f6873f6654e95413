package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RangeLockTest {

    private final RangeLock lock = new RangeLock();

    @Test
    void disjointRangesAreGrantedTogetherOverlappingOnesWait() {
        CompletableFuture<RangeLock.Lease> a = lock.acquire(0, 4096);
        CompletableFuture<RangeLock.Lease> b = lock.acquire(4096, 4096); // touches, does not overlap
        CompletableFuture<RangeLock.Lease> c = lock.acquire(2048, 512);
        assertTrue(a.isDone() && b.isDone());
        assertFalse(c.isDone());
        a.join().close();
        assertTrue(c.isDone());
        b.join().close();
        c.join().close();
        assertEquals(0, lock.size());
    }

    @Test
    void overlappingRequestsAreGrantedInTheOrderTheyAsked() {
        List<String> order = new CopyOnWriteArrayList<>();
        RangeLock.Lease first = lock.acquire(0, 8192).join();
        CompletableFuture<RangeLock.Lease> second = lock.acquire(4096, 8192);
        CompletableFuture<RangeLock.Lease> third = lock.acquire(0, 512); // overlaps first only
        CompletableFuture<RangeLock.Lease> fourth = lock.acquire(8192, 512); // overlaps second only
        second.thenAccept(l -> order.add("second"));
        third.thenAccept(l -> order.add("third"));
        fourth.thenAccept(l -> order.add("fourth"));
        assertTrue(order.isEmpty(), "fourth must not overtake second, which asked earlier");
        first.close();
        assertEquals(List.of("second", "third"), order);
        second.join().close();
        assertEquals(List.of("second", "third", "fourth"), order);
        first.close(); // twice is harmless
        third.join().close();
        fourth.join().close();
        assertEquals(0, lock.size());
    }

    @Test
    void aRequestGrantedAtOnceNeedsNoFutureOneThatWaitsGetsItsOwn() {
        RangeLock.Lease held = lock.request(0, 4096);
        assertTrue(held.grantedAtRequest());
        assertTrue(held.whenGranted().isDone());
        RangeLock.Lease waiting = lock.request(1024, 512);
        assertFalse(waiting.grantedAtRequest());
        CompletableFuture<RangeLock.Lease> granted = waiting.whenGranted();
        assertFalse(granted.isDone());
        held.close();
        assertSame(waiting, granted.join());
        waiting.close();
        assertEquals(0, lock.size());
    }

    @Test
    void aZeroLengthRangeConflictsWithNothing() {
        lock.acquire(0, 4096);
        assertTrue(lock.acquire(1024, 0).isDone());
    }
}
