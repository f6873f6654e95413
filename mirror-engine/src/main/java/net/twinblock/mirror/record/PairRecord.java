package net.twinblock.mirror.record;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The predictive record as a pair node drives it through role changes (DESIGN sections 4, 5, 7);
 * the record package implements it. The pair owns the link, so it carries the record's frames:
 * it hands the primary's record a sender (RECORD_UPDATE, completing on RECORD_ACK) and the
 * secondary's read gate a way to ask the primary (STATUS_QUERY, completing on STATUS_REPLY).
 */
public interface PairRecord extends AutoCloseable {

    /** No record: writes go straight on, reads are not gated, a crash means a full copy. */
    PairRecord NONE = new PairRecord() {
        @Override
        public boolean holdsValidRecord() {
            return false;
        }

        @Override
        public WriteIntent becomePrimary(Function<byte[], CompletableFuture<Void>> replicate,
                Supplier<CompletableFuture<Void>> flushBoth) {
            return WriteIntent.NONE;
        }

        @Override
        public ReadGate becomeSecondary(BiFunction<Long, Long, CompletableFuture<Void>> askPrimary) {
            return ReadGate.OPEN;
        }

        @Override
        public CompletableFuture<Void> apply(byte[] snapshot) {
            return CompletableFuture.failedFuture(new IllegalStateException("this node keeps no record"));
        }

        @Override
        public byte[] snapshot() {
            return null;
        }

        @Override
        public List<long[]> recoveryRanges() {
            return List.of();
        }

        @Override
        public List<long[]> rangesOf(byte[] report) {
            return List.of();
        }

        @Override
        public byte[] report() {
            return null;
        }

        @Override
        public void recoveryComplete(long bytes, int extents) {
        }

        @Override
        public Map<String, Long> metrics() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    };

    /**
     * True if the record file existed and was valid when this node started: after a crash its
     * extents are then the only ones that may differ, and no full copy is needed.
     */
    boolean holdsValidRecord();

    /**
     * This node is (now) the primary; updates of its record go out through {@code replicate}, and
     * {@code flushBoth} flushes both nodes when dirty extents must be cleaned to make room.
     */
    WriteIntent becomePrimary(Function<byte[], CompletableFuture<Void>> replicate,
            Supplier<CompletableFuture<Void>> flushBoth);

    /** This node is the secondary; a read on a recorded extent asks the primary (offset, length) first. */
    ReadGate becomeSecondary(BiFunction<Long, Long, CompletableFuture<Void>> askPrimary);

    /** Secondary: persists the primary's record (snapshot bytes); completes once durable here. */
    CompletableFuture<Void> apply(byte[] snapshot);

    /** Primary: the record now, as snapshot bytes, for a new link; null if there is none. */
    byte[] snapshot();

    /** Byte ranges {offset, length} of the extents this node's record held at startup. */
    List<long[]> recoveryRanges();

    /** Byte ranges {offset, length} of a partner's RECORD_REPORT. */
    List<long[]> rangesOf(byte[] report);

    /** This node's startup extents as snapshot bytes, for RECORD_REPORT; null if none. */
    byte[] report();

    /** The extents loaded at startup were resynchronised ({@code bytes} copied in {@code extents}). */
    void recoveryComplete(long bytes, int extents);

    /** Counters by name ("record.hits", ...) for the admin endpoint. */
    Map<String, Long> metrics();

    @Override
    void close();
}
