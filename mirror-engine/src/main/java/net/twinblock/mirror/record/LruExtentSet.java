package net.twinblock.mirror.record;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record's extents in least-recently-written order, each with the number of host writes in
 * flight there and whether writes completed there are still waiting for a flush of both nodes.
 *
 * <p>Eviction removes only <em>clean idle</em> extents. An extent with a write in flight, or
 * <em>dirty</em> (a completed write not yet covered by a flush that completed on both nodes), may
 * differ between the nodes after a crash or a power cut: a write acknowledged by a node can still
 * be only in that node's page cache. Both kinds are <em>pinned</em>; when pinned extents alone
 * exceed {@code capacity} the set grows past it (it never refuses an add) and shrinks back as
 * writes complete and flushes clean them. The record bounds that growth separately (its headroom).
 *
 * <p>Not thread-safe: the record calls it under its lock.
 */
final class LruExtentSet {

    private static final class Entry {
        int inFlight;
        /** Sequence number of the last write completed here that no flush covers yet; 0 when clean. */
        long dirty;

        boolean pinned() {
            return inFlight > 0 || dirty > 0;
        }
    }

    private final int capacity;
    /** Access order: iteration starts at the least recently touched extent. */
    private final LinkedHashMap<Extent, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private int busy;
    private int pinned;

    LruExtentSet(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, not " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return entries.size();
    }

    /** Extents with at least one write in flight. */
    int busy() {
        return busy;
    }

    /** Extents that eviction may not remove: busy, or dirty. */
    int pinned() {
        return pinned;
    }

    /** True if the member has a write in flight or a completed write no flush covers yet. */
    boolean isPinned(Extent extent) {
        Entry entry = entries.get(extent);
        return entry != null && entry.pinned();
    }

    /** Membership without changing the order. */
    boolean contains(Extent extent) {
        return entries.containsKey(extent);
    }

    /** Marks a member most recently used; false if it is not a member. */
    boolean touch(Extent extent) {
        return entries.get(extent) != null;
    }

    /** Adds an idle extent as most recently used, or touches it if already a member. */
    void add(Extent extent) {
        if (entries.get(extent) == null) {
            entries.put(extent, new Entry());
        }
    }

    /** One more write in flight on a member extent. */
    void begin(Extent extent) {
        Entry entry = member(extent);
        boolean wasPinned = entry.pinned();
        if (entry.inFlight++ == 0) {
            busy++;
        }
        if (!wasPinned) {
            pinned++;
        }
    }

    /**
     * One write fewer in flight; {@code dirtySeq} &gt; 0 says the write completed and is not yet
     * durable on both nodes, 0 that it left nothing behind (it failed, or it is a pin of the
     * record's own). True if the extent is now idle.
     */
    boolean end(Extent extent, long dirtySeq) {
        Entry entry = member(extent);
        if (entry.inFlight == 0) {
            throw new IllegalStateException("extent " + extent.index() + " has no write in flight to end");
        }
        if (dirtySeq > 0) {
            entry.dirty = Math.max(entry.dirty, dirtySeq);
        }
        if (--entry.inFlight == 0) {
            busy--;
            if (!entry.pinned()) {
                pinned--;
            }
            return true;
        }
        return false;
    }

    /**
     * A flush that started after every write of sequence {@code <= mark} completed has succeeded
     * on both nodes: those extents are clean. Returns how many became evictable.
     */
    int cleanUpTo(long mark) {
        int freed = 0;
        for (Entry e : entries.values()) {
            if (e.dirty > 0 && e.dirty <= mark) {
                e.dirty = 0;
                if (e.inFlight == 0) {
                    pinned--;
                    freed++;
                }
            }
        }
        return freed;
    }

    /** Idle extents that only a flush keeps from eviction. */
    int dirtyIdle() {
        return pinned - busy;
    }



    int inFlight(Extent extent) {
        Entry entry = entries.get(extent);
        return entry == null ? 0 : entry.inFlight;
    }

    /** Removes a clean idle member; false if absent or pinned. Does not count as an eviction. */
    boolean removeIdle(Extent extent) {
        Entry entry = entries.get(extent);
        if (entry == null || entry.pinned()) {
            return false;
        }
        entries.remove(extent);
        return true;
    }

    /** Evicts least recently used clean idle extents until the set is within capacity or all are pinned. */
    List<Extent> evictIdle() {
        List<Extent> evicted = new ArrayList<>();
        Iterator<Map.Entry<Extent, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && entries.size() > pinned && it.hasNext()) {
            Map.Entry<Extent, Entry> e = it.next();
            if (!e.getValue().pinned()) {
                it.remove();
                evicted.add(e.getKey());
            }
        }
        return evicted;
    }

    /** The members, least recently used first. */
    List<Extent> extents() {
        return new ArrayList<>(entries.keySet());
    }

    private Entry member(Extent extent) {
        // get() makes it most recently used: a write starting or ending there is a use, and an
        // extent just written is the likeliest to be written again.
        Entry entry = entries.get(extent);
        if (entry == null) {
            throw new IllegalStateException("extent " + extent.index() + " is not in the record");
        }
        return entry;
    }
}
