package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Where the {@link PointRecord} lives: {@code <volume>.point}, two slots a page apart, written in
 * turn in place, each with a sequence number and a checksum. A point costs one write and one
 * fdatasync of a file whose size never changes; the atomic replace it replaces cost a file's
 * creation, a rename and two more fsyncs, each a commit of the file system's journal that the
 * secondary's own journal appends waited behind (a point per host flush made that the flushing
 * host's latency). A write torn by a power cut spoils only its own slot, and the other still
 * holds the point before: replay from an older point applies again, in order, entries the volume
 * already holds, which leaves it as it was. The file is made once, by an atomic replace (also over
 * a record of the older, replaced format, which {@link #read} still reads).
 */
final class PointRecordFile implements AutoCloseable {

    static final int SLOT = 4096;
    static final int SIZE = 2 * SLOT;
    private static final int MAGIC = 0x5442_5052; // "TBPR"
    /** magic, sequence, point, next, CRC32C of the bytes before it. */
    private static final int SLOT_BYTES = 4 + 8 + 4 + 8 + 4;

    private final Path path;
    private final StorageFiles storage;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES);
    private StorageFile file;
    /** The sequence of the newest slot written; the next write goes to the other slot. */
    private long sequence;

    PointRecordFile(Path volumeFile, StorageFiles storage) {
        this.path = PointRecord.file(volumeFile);
        this.storage = storage;
    }

    /** The recorded point of {@code volumeFile}, or {@link PointRecord#NONE}. */
    static PointRecord read(Path volumeFile, StorageFiles storage) throws IOException {
        Path p = PointRecord.file(volumeFile);
        if (!Files.exists(p)) {
            return PointRecord.NONE;
        }
        if (Files.size(p) != SIZE) {
            return PointRecord.readReplaced(p);
        }
        try (StorageFile f = storage.open(p)) {
            Newest n = newest(f, p);
            return n.record;
        }
    }

    /** Records {@code r}, durably when it returns. One writer (the point thread). */
    void write(PointRecord r) throws IOException {
        if (file == null) {
            open(r);
            return;
        }
        sequence++;
        ByteBuffer b = encode(r, sequence);
        while (b.hasRemaining()) {
            file.write(b, (sequence & 1) * SLOT + b.position());
        }
        file.force();
    }

    /** The first write of this process: in place if the file has our format, else made with {@code r} in it. */
    private void open(PointRecord r) throws IOException {
        if (Files.exists(path) && Files.size(path) == SIZE) {
            file = storage.open(path);
            sequence = newest(file, path).sequence;
            write(r);
            return;
        }
        byte[] content = new byte[SIZE];
        sequence = 2; // slot 0: the next write goes to slot 1
        encode(r, sequence).get(content, 0, SLOT_BYTES);
        storage.replace(path, content);
        file = storage.open(path);
    }

    private ByteBuffer encode(PointRecord r, long seq) {
        slot.clear();
        slot.putInt(MAGIC).putLong(seq).putInt(r.point()).putLong(r.next());
        crc.reset();
        crc.update(slot.array(), 0, slot.position());
        slot.putInt((int) crc.getValue());
        return slot.flip();
    }

    private record Newest(PointRecord record, long sequence) {
    }

    /** The valid slot with the higher sequence. */
    private static Newest newest(StorageFile f, Path p) throws IOException {
        Newest best = null;
        CRC32C crc = new CRC32C();
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
            f.readFully(b, (long) i * SLOT);
            crc.reset();
            crc.update(b.array(), 0, SLOT_BYTES - 4);
            b.flip();
            if (b.getInt(0) != MAGIC || b.getInt(SLOT_BYTES - 4) != (int) crc.getValue()) {
                continue; // never written, or torn by a power cut
            }
            long seq = b.getLong(4);
            if (best == null || seq > best.sequence) {
                best = new Newest(new PointRecord(b.getInt(12), b.getLong(16)), seq);
            }
        }
        if (best == null) {
            throw new IOException(p + " holds no valid point record in either slot");
        }
        return best;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }
}
