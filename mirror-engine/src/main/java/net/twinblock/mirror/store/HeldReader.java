package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes held entries' data to the volume from the journal's segments, where their append put it
 * (in the page cache at least). A held entry keeps no buffer: a received write's data is a slice of
 * the link's read buffer, and holding those for a point's interval pinned every read buffer of
 * it, so the secondary's link loop kept taking fresh memory (0.67 page faults and 18 against 8 us
 * of CPU per 4K write with points on). One per generation of held entries, used by the one thread
 * that applies it; {@link #close} closes the segments it opened.
 */
final class HeldReader implements AutoCloseable {

    /** Bytes read and written at a time: a large write goes over in pieces of this. */
    private static final int CHUNK = 256 << 10;
    /**
     * One piece buffer per applying thread (the journal's, its point thread), for its life: one per
     * generation would be a direct buffer per point, freed only when a GC happens to run, and a
     * point per host flush makes hundreds a second. In an array of one, as the volume's write takes it.
     */
    private static final ThreadLocal<ByteBuffer[]> CHUNKS =
            ThreadLocal.withInitial(() -> new ByteBuffer[] {ByteBuffer.allocateDirect(CHUNK)});

    private final JournalFiles files;
    private final FileVolume volume;
    private final Map<JournalFiles.Segment, StorageFile> open = new HashMap<>();

    HeldReader(JournalFiles files, FileVolume volume) {
        this.files = files;
        this.volume = volume;
    }

    /** Makes segment {@code s} durable through this reader's own handle (the page cache is the file's). */
    void force(JournalFiles.Segment s) throws IOException {
        handle(s).force();
    }

    /** Writes bytes {@code [from, from + length)} of held write {@code p} (volume offsets) to the volume. */
    void apply(JournalOp p, long from, long length) throws IOException {
        StorageFile segment = handle(p.segment);
        ByteBuffer[] chunks = CHUNKS.get();
        ByteBuffer chunk = chunks[0];
        long at = p.dataAt + (from - p.offset);
        for (long done = 0; done < length;) {
            int n = (int) Math.min(CHUNK, length - done);
            chunk.clear().limit(n);
            segment.readFully(chunk, at + done);
            chunk.flip();
            volume.applyNow(from + done, chunks);
            done += n;
        }
    }

    private StorageFile handle(JournalFiles.Segment s) throws IOException {
        StorageFile f = open.get(s);
        if (f == null) {
            f = files.open(s);
            open.put(s, f);
        }
        return f;
    }

    @Override
    public void close() {
        for (StorageFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                // read and forced only: nothing of ours is lost with it
            }
        }
        open.clear();
    }
}
