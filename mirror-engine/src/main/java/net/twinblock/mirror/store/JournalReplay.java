package net.twinblock.mirror.store;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Replays a journal left by a crash or a power cut: applies every entry, in order, up to the
 * first one that is torn (short, a bad magic or checksum, an entry number out of sequence) and
 * discards that one and everything after it, in later segments too. A torn entry can end any
 * segment no fdatasync covered, but then nothing after it was acknowledged as durable either: a
 * durable acknowledgement waits for an fdatasync of its segment and of every unforced one before
 * it. What replay discards was acknowledged at most into a page cache, which the record's crash
 * resync covers like any such write.
 */
final class JournalReplay {

    private static final Logger LOG = System.getLogger(JournalReplay.class.getName());

    private final FileVolume volume;
    private final JournalFiles files;
    private final CRC32C crc = new CRC32C();
    private long applied;
    private long next = -1;
    /** The first entry the last recorded consistency point does not cover: the volume holds those before. */
    private final long pointNext;

    JournalReplay(FileVolume volume, JournalFiles files, long pointNext) {
        this.volume = volume;
        this.files = files;
        this.pointNext = pointNext;
    }

    /**
     * Applies what a crash left in the journal of {@code volume}, makes the volume durable and
     * deletes the segments. Blocking: at startup.
     *
     * @throws UncheckedIOException if the journal cannot be read or the volume not written
     */
    static JournalReplay recover(FileVolume volume, JournalFiles files) {
        try {
            files.deleteSpares(); // covered segments kept for reuse: nothing in them is due
            List<JournalFiles.Segment> left = files.list();
            long pointNext = PointRecordFile.read(volume.file(), files.storage()).next();
            JournalReplay replay = new JournalReplay(volume, files, pointNext);
            replay.run(left);
            if (!left.isEmpty()) {
                volume.flush().join(); // what replay applied is durable before its segments go
                files.delete(left);
                LOG.log(Level.WARNING, "{0}: replayed {1} journal entries left by an unclean stop", volume.file(),
                        replay.applied());
                // New segments are named after every old one: a name is never reused.
                replay.next = Math.max(replay.next, left.get(left.size() - 1).first() + 1);
            }
            return replay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay the journal of " + volume.file() + ": " + e, e);
        }
    }

    /** Entries applied. */
    long applied() {
        return applied;
    }

    /**
     * The entry number after the last good one (0 for an empty journal), and never below the
     * recorded point's: a new entry is never one a point already covers.
     */
    long next() {
        return Math.max(next, pointNext);
    }

    /** Applies what the segments hold. */
    private void run(List<JournalFiles.Segment> segments) throws IOException {
        for (int i = 0; i < segments.size(); i++) {
            JournalFiles.Segment s = segments.get(i);
            if (next >= 0 && s.first() != next) {
                LOG.log(Level.WARNING, "journal segment {0} starts at entry {1}, expected {2}: it and what follows"
                        + " are discarded", s.path(), s.first(), next);
                return;
            }
            next = s.first();
            if (!replay(s, i + 1 < segments.size() ? segments.get(i + 1).first() : -1)) {
                return;
            }
        }
    }

    /**
     * False if a torn entry ended the journal in this segment. Where the next segment starts
     * ({@code nextFirst}, -1 for none) with exactly the entry due at that "torn" one, every entry
     * of this segment was whole: what follows them is a reused segment's old entries (numbered
     * below its first), and replay goes on in the next one.
     */
    private boolean replay(JournalFiles.Segment s, long nextFirst) throws IOException {
        long first = next;
        try (StorageFile f = files.open(s)) {
            long size = f.size();
            long pos = 0;
            ByteBuffer head = ByteBuffer.allocate(JournalEntry.HEADER);
            while (pos < size) {
                String torn = entry(f, pos, size, head);
                if (torn != null) {
                    return staleTail(s, first, nextFirst == next, torn, pos);
                }
                pos += JournalEntry.HEADER + JournalEntry.Header.read(head).dataLength();
            }
            return true;
        }
    }

    private boolean staleTail(JournalFiles.Segment s, long first, boolean followed, String torn, long pos) {
        if (followed) {
            LOG.log(Level.DEBUG, "journal {0}: entries {1} to {2}, then the old entries of a reused segment",
                    s.path(), first, next - 1);
            return true;
        }
        LOG.log(Level.WARNING, "journal {0}: {1} at byte {2}; that entry and what follows were never"
                + " acknowledged as durable and are discarded ({3} entries applied)", s.path(), torn,
                Long.toString(pos), Long.toString(applied));
        return false;
    }

    /** Applies the entry at {@code pos}; null, or why it is torn. */
    private String entry(StorageFile f, long pos, long size, ByteBuffer head) throws IOException {
        if (size - pos < JournalEntry.HEADER) {
            return "a short header";
        }
        head.clear();
        f.readFully(head, pos);
        JournalEntry.Header h = JournalEntry.Header.read(head);
        if (!h.plausible()) {
            return "no valid entry header";
        }
        if (h.number() != next) {
            return "entry " + h.number() + " where " + next + " was due";
        }
        if (size - pos - JournalEntry.HEADER < h.dataLength()) {
            return "a short entry";
        }
        ByteBuffer data = ByteBuffer.allocate((int) h.dataLength());
        f.readFully(data, pos + JournalEntry.HEADER);
        data.flip();
        if (!h.valid(head, data, crc)) {
            return "a checksum mismatch";
        }
        String bad = volume.checkRange("journal replay", h.offset(), h.length());
        if (bad != null) {
            return bad;
        }
        if (h.number() < pointNext) {
            next++; // the recorded point covers it: the volume holds it durably, or what superseded it
            return null;
        }
        if (h.kind() == JournalEntry.WRITE) {
            volume.applyNow(h.offset(), Unpooled.wrappedBuffer(data));
        } else {
            volume.discardNow(h.offset(), h.length());
        }
        applied++;
        next++;
        return null;
    }
}
