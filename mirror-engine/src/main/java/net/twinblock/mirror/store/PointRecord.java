package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The last consistency point the secondary's volume holds durably, in {@code <volume>.point}
 * ({@link PointRecordFile}): its number, and the number of the first journal entry it does not
 * cover. Replay after a crash starts there: the volume is that point's image, and the entries
 * from {@code next} on are what came after it.
 */
record PointRecord(int point, long next) {

    static final PointRecord NONE = new PointRecord(0, 0);
    /** The record as the first format kept it, replaced whole ({@link AtomicFile}). */
    private static final int REPLACED_BYTES = 12;

    static Path file(Path volumeFile) {
        return volumeFile.resolveSibling(volumeFile.getFileName() + ".point");
    }

    /** A record of the first format, left by an older version: read once, then written over. */
    static PointRecord readReplaced(Path file) throws IOException {
        byte[] body = AtomicFile.read(file);
        if (body.length != REPLACED_BYTES) {
            throw new IOException(file + " holds " + body.length + " bytes, not a point record");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        return new PointRecord(b.getInt(), b.getLong());
    }
}
