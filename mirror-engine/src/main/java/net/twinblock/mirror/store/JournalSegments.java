package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * The writing end of a {@link Journal}, on its thread only: the live segment files, the next
 * entry number, and each batch turned into one gathering write (headers built in one reused
 * buffer, the data as the received buffers themselves, nothing copied).
 *
 * <p>Nothing here forces a file unless a caller asks ({@link #force}): a segment that fills is
 * closed unforced, and a new segment's name is not synced into its directory at once. The next
 * force makes all of that durable first, so an fdatasync that vouches for an entry also vouches
 * for every entry before it, in every segment; without one, a power cut may tear any segment no
 * force covered, and replay stops at the first torn entry (nothing after it was promised).
 */
final class JournalSegments {

    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];
    /** Covered segments kept to be written over: one is enough for the next roll, and bounds the disk used. */
    private static final int MAX_SPARES = 1;

    private final JournalFiles files;
    private final long segmentSize;
    private final List<JournalFiles.Segment> live = new ArrayList<>();
    /** Bytes of each live segment, in the order of {@link #live}. */
    private final List<Long> liveBytes = new ArrayList<>();
    /** Closed segments no fdatasync covered yet, in order: the next {@link #force} covers them first. */
    private final List<StorageFile> unforced = new ArrayList<>();
    /** An append since the last {@link #force}: the journal holds entries only in the page cache. */
    private boolean appendedSinceForce;
    /** Deletes segments off this thread: an unlink of a filled segment takes milliseconds. */
    private final Executor cleaner;
    /** A segment was created since the directory was last synced. */
    private boolean directoryOwed;
    /** Spares whose names are durable, ready for {@link #startSegment}; filled by the cleaner. */
    private final Queue<Path> spares = new ConcurrentLinkedQueue<>();
    /** The cleaner's: the number of the next spare's name. */
    private int spareNames;
    private final LongAdder reused = new LongAdder();
    private final CRC32C crc = new CRC32C();
    private final List<ByteBuffer> iov = new ArrayList<>();
    /** One view per entry of a batch into one direct buffer: headers are written in place, batch after batch. */
    private final ByteBuffer[] headers;
    private StorageFile segment;
    private long segmentEnd;
    private long nextNumber;

    JournalSegments(JournalFiles files, long nextNumber, long segmentSize, int maxBatch,
            Executor cleaner) {
        this.files = files;
        this.cleaner = cleaner;
        this.nextNumber = nextNumber;
        this.segmentSize = segmentSize;
        ByteBuffer all = ByteBuffer.allocateDirect(maxBatch * JournalEntry.HEADER);
        this.headers = new ByteBuffer[maxBatch];
        for (int i = 0; i < maxBatch; i++) {
            headers[i] = all.slice(i * JournalEntry.HEADER, JournalEntry.HEADER);
        }
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
        appendedSinceForce = true;
    }

    /** {@link #force} if anything was appended since the last one; true if it forced. */
    boolean forceIfAppended() throws IOException {
        if (!appendedSinceForce) {
            return false;
        }
        force();
        return true;
    }

    /** The number the next entry gets. */
    long nextNumber() {
        return nextNumber;
    }

    /**
     * Deletes the closed segments whose every entry is at most {@code number} (the volume holds
     * them: applied, or durable at a point); returns the bytes freed.
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
        // The unforced ones are the newest closed segments (a force covers every older one): those
        // of them going now need no force any more.
        int going = Math.max(0, n - (closed - unforced.size()));
        for (int i = 0; i < going; i++) {
            unforced.get(i).close();
        }
        unforced.subList(0, going).clear();
        live.subList(0, n).clear();
        liveBytes.subList(0, n).clear();
        retire(gone);
        return bytes;
    }

    /**
     * Keeps the oldest of {@code gone} as a spare if one is missing and deletes the others, on the
     * cleaner, oldest first: a power cut leaves a prefix of these renames and deletions, so a
     * covered segment left under its name is older than any gone, and replay applies its entries
     * again, in order, before the newer ones: harmless.
     */
    private void retire(List<JournalFiles.Segment> gone) {
        cleaner.execute(() -> {
            try {
                List<Path> kept = new ArrayList<>();
                int n = 0;
                while (n < gone.size() && spares.size() + kept.size() < MAX_SPARES) {
                    kept.add(files.retire(gone.get(n++), spareNames++));
                }
                files.delete(gone.subList(n, gone.size()));
                if (!kept.isEmpty()) {
                    files.syncDirectory(); // durably a spare before its reuse under a new name
                    spares.addAll(kept);
                }
            } catch (IOException e) {
                System.getLogger(JournalSegments.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot retire applied journal segments {0}: {1} (replay at the next start applies them"
                                + " again, harmlessly)", gone, e.toString());
            }
        });
    }

    /** Segments made of a spare rather than created. */
    long reused() {
        return reused.sum();
    }

    /**
     * Makes every appended entry durable: first the closed segments no force covered yet, then
     * the live one, then the names of segments created since the last force.
     */
    void force() throws IOException {
        while (!unforced.isEmpty()) {
            StorageFile s = unforced.get(0);
            s.force();
            s.close();
            unforced.remove(0);
        }
        if (segment != null) {
            segment.force();
        }
        if (directoryOwed) {
            files.syncDirectory();
            directoryOwed = false;
        }
        appendedSinceForce = false;
        files.forcedBelow(nextNumber);
    }

    /** Starts a new segment at the next append once this one is full. */
    void rollIfFull() {
        if (segment != null && segmentEnd >= segmentSize) {
            unforced.add(segment); // the next force covers it; nothing waits for that here
            segment = null;
        }
    }

    /** Retires every segment: their entries are applied (held ones excepted: the caller's affair). */
    void deleteAll() throws IOException {
        close();
        retire(new ArrayList<>(live));
        live.clear();
        liveBytes.clear();
    }

    /** At a clean stop, after {@link #deleteAll}: the spares go too, so no journal file is left. */
    void deleteSpares() {
        cleaner.execute(() -> {
            spares.clear();
            try {
                files.deleteSpares();
            } catch (IOException e) {
                System.getLogger(JournalSegments.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot delete spare journal segments: {0} (deleted at the next start)", e.toString());
            }
        });
    }

    /** Closes every open segment file, forced or not. */
    void close() throws IOException {
        for (StorageFile s : unforced) {
            s.close();
        }
        unforced.clear();
        if (segment != null) {
            StorageFile s = segment;
            segment = null;
            s.close();
        }
    }

    private void startSegment() throws IOException {
        directoryOwed = true;
        Path spare = spares.poll();
        JournalFiles.Segment s = spare != null ? files.reuse(spare, nextNumber) : files.create(nextNumber);
        if (spare != null) {
            reused.increment();
        }
        segment = files.open(s);
        live.add(s);
        liveBytes.add(0L);
        segmentEnd = 0;
    }

    /** The batch as one gathering write: each entry's header, then its data as the data's own buffers. */
    private ByteBuffer[] entries(List<JournalOp> batch) {
        iov.clear();
        int used = 0;
        JournalFiles.Segment in = live.get(live.size() - 1);
        long position = segmentEnd;
        for (JournalOp p : batch) {
            if (!p.journaled()) {
                continue; // a flush or a point: nothing in the segments
            }
            p.number = nextNumber;
            p.segment = in;
            p.dataAt = position + JournalEntry.HEADER;
            position += p.bytes();
            p.buffers = p.data == null ? NO_BUFFERS : p.data.nioBuffers();
            for (ByteBuffer b : p.buffers) {
                b.mark(); // where the checksum and the apply start again
            }
            ByteBuffer header = headers[used++];
            JournalEntry.header(header, crc, nextNumber++, p.transfer,
                    p.kind == JournalOp.Kind.WRITE ? JournalEntry.WRITE : JournalEntry.DISCARD, p.offset, p.length,
                    p.buffers);
            iov.add(header);
            Collections.addAll(iov, p.buffers);
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
