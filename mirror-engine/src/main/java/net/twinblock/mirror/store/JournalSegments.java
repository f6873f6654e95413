package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The writing end of a {@link Journal}, on its thread only: the live segment files, the next
 * entry number, and each batch turned into one gathering write (headers built in one reused
 * buffer, the data as the received buffers themselves, nothing copied).
 */
final class JournalSegments {

    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

    private final JournalFiles files;
    private final long segmentSize;
    private final List<JournalFiles.Segment> live = new ArrayList<>();
    /** Bytes of each live segment, in the order of {@link #live}. */
    private final List<Long> liveBytes = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private final List<ByteBuffer> iov = new ArrayList<>();
    private final ByteBuffer headers;
    private StorageFile segment;
    private long segmentEnd;
    private long nextNumber;

    JournalSegments(JournalFiles files, long nextNumber, long segmentSize, int maxBatch) {
        this.files = files;
        this.nextNumber = nextNumber;
        this.segmentSize = segmentSize;
        this.headers = ByteBuffer.allocateDirect(maxBatch * JournalEntry.HEADER);
    }

    /**
     * A full file system refused an append: that batch fails as NO_SPACE (the primary answers the
     * host so) and nothing is poisoned, since nothing acknowledged was lost; the next batch
     * overwrites whatever part of it reached the segment, under the same entry numbers.
     */
    static final class NoRoom extends IOException {
        private static final long serialVersionUID = 1L;

        NoRoom(IOException cause) {
            super(cause);
        }
    }

    /** Appends the entries of {@code batch} ({@code bytes} in all) at the end of the live segment. */
    void append(List<JournalOp> batch, long bytes) throws IOException {
        if (segment == null) {
            noRoomApart(this::startSegment);
        }
        long first = nextNumber;
        ByteBuffer[] buffers = entries(batch);
        try {
            noRoomApart(() -> segment.writeAll(buffers, segmentEnd));
        } catch (NoRoom e) {
            nextNumber = first; // the numbers stay consecutive for replay
            throw e;
        }
        segmentEnd += bytes;
        liveBytes.set(liveBytes.size() - 1, segmentEnd);
    }

    /** The number the next entry gets. */
    long nextNumber() {
        return nextNumber;
    }

    /**
     * Deletes the closed segments whose every entry is at most {@code number} (the volume holds
     * them durably); returns the bytes freed.
     */
    long deleteClosedUpTo(long number) throws IOException {
        int closed = segment == null ? live.size() : live.size() - 1;
        int n = 0;
        // A closed segment ends where the next one starts (or, the newest with none open, at nextNumber).
        while (n < closed && (n + 1 < live.size() ? live.get(n + 1).first() : nextNumber) - 1 <= number) {
            n++;
        }
        if (n == 0) {
            return 0;
        }
        List<JournalFiles.Segment> gone = new ArrayList<>(live.subList(0, n));
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += liveBytes.get(i);
        }
        files.delete(gone);
        live.subList(0, n).clear();
        liveBytes.subList(0, n).clear();
        return bytes;
    }

    /** fdatasync of the live segment: the earlier ones were forced when they filled. */
    void force() throws IOException {
        if (segment != null) {
            segment.force();
        }
    }

    /**
     * Starts a new segment at the next append once this one is full; forced first, so only the
     * last can be torn. True if it closed the segment.
     */
    boolean rollIfFull() throws IOException {
        if (segment != null && segmentEnd >= segmentSize) {
            segment.force();
            close();
            return true;
        }
        return false;
    }

    /** Deletes every segment: the volume holds their entries durably. */
    void deleteAll() throws IOException {
        close();
        files.delete(live);
        live.clear();
        liveBytes.clear();
    }

    void close() throws IOException {
        if (segment != null) {
            StorageFile s = segment;
            segment = null;
            s.close();
        }
    }

    private void startSegment() throws IOException {
        JournalFiles.Segment s = files.create(nextNumber);
        segment = files.open(s);
        live.add(s);
        liveBytes.add(0L);
        segmentEnd = 0;
    }

    /** The batch as one gathering write: each entry's header, then its data as the data's own buffers. */
    private ByteBuffer[] entries(List<JournalOp> batch) {
        iov.clear();
        headers.clear();
        for (JournalOp p : batch) {
            if (!p.journaled()) {
                continue; // a flush or a point: nothing in the segments
            }
            int at = headers.position();
            p.number = nextNumber;
            JournalEntry.header(headers, crc, nextNumber++, p.transfer,
                    p.kind == JournalOp.Kind.WRITE ? JournalEntry.WRITE : JournalEntry.DISCARD, p.offset, p.length, p.data);
            iov.add(headers.duplicate().position(at).limit(at + JournalEntry.HEADER));
            if (p.data != null) {
                Collections.addAll(iov, p.data.nioBuffers());
            }
        }
        return iov.toArray(NO_BUFFERS);
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException;
    }

    /** Runs a step of an append, telling a full file system apart from a failing disk. */
    private static void noRoomApart(IoStep step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            throw VolumeException.faultOf(e) == VolumeException.Fault.NO_SPACE ? new NoRoom(e) : e;
        }
    }
}
