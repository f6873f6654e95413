package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The last consistency point the secondary's volume holds durably, in {@code <volume>.point}
 * (replaced atomically): its number, and the number of the first journal entry it does not cover.
 * Replay after a crash starts there: the volume is that point's image, and the entries from
 * {@code next} on are what came after it.
 */
record PointRecord(int point, long next) {

    static final PointRecord NONE = new PointRecord(0, 0);
    private static final int BYTES = 12;

    static Path file(Path volumeFile) {
        return volumeFile.resolveSibling(volumeFile.getFileName() + ".point");
    }

    /** The recorded point, or {@link #NONE}. */
    static PointRecord read(Path volumeFile) throws IOException {
        byte[] body = AtomicFile.read(file(volumeFile));
        if (body == null) {
            return NONE;
        }
        if (body.length != BYTES) {
            throw new IOException(file(volumeFile) + " holds " + body.length + " bytes, not a point record");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        return new PointRecord(b.getInt(), b.getLong());
    }

    /** Durable when it returns. */
    void write(Path volumeFile, StorageFiles files) throws IOException {
        AtomicFile.write(files, file(volumeFile), ByteBuffer.allocate(BYTES).putInt(point).putLong(next).array());
    }
}
