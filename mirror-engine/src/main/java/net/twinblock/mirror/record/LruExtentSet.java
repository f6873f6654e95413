package net.twinblock.mirror.record;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record's extents in least-recently-written order, each with the number of host writes in
 * flight there.
 *
 * <p>Eviction never removes an extent with a write in flight: after a crash that extent may
 * differ between the nodes, so it must stay recorded until its writes are on both. When every
 * extent is busy the set therefore grows past {@code capacity} (it never refuses an add); it
 * shrinks back as writes complete. The record bounds that growth separately (its busy headroom).
 *
 * <p>Not thread-safe: the record calls it under its lock.
 */
final class LruExtentSet {

    private static final class Entry {
        int inFlight;
    }

    private final int capacity;
    /** Access order: iteration starts at the least recently touched extent. */
    private final LinkedHashMap<Extent, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private int busy;

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
        if (entry.inFlight++ == 0) {
            busy++;
        }
    }

    /** One write fewer in flight; true if the extent is now idle (an eviction candidate). */
    boolean end(Extent extent) {
        Entry entry = member(extent);
        if (entry.inFlight == 0) {
            throw new IllegalStateException("extent " + extent.index() + " has no write in flight to end");
        }
        if (--entry.inFlight == 0) {
            busy--;
            return true;
        }
        return false;
    }

    int inFlight(Extent extent) {
        Entry entry = entries.get(extent);
        return entry == null ? 0 : entry.inFlight;
    }

    /** Removes an idle member; false if absent or busy. Does not count as an eviction. */
    boolean removeIdle(Extent extent) {
        Entry entry = entries.get(extent);
        if (entry == null || entry.inFlight > 0) {
            return false;
        }
        entries.remove(extent);
        return true;
    }

    /** Evicts least recently used idle extents until the set is within capacity or all are busy. */
    List<Extent> evictIdle() {
        List<Extent> evicted = new ArrayList<>();
        Iterator<Map.Entry<Extent, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && entries.size() > busy && it.hasNext()) {
            Map.Entry<Extent, Entry> e = it.next();
            if (e.getValue().inFlight == 0) {
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
