package net.twinblock.mirror.record;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import net.twinblock.mirror.store.StorageFile;
import net.twinblock.mirror.store.StorageFiles;

/**
 * The record on disk: one small file with two fixed slots, each a complete copy of the record.
 *
 * <p>An update overwrites the slot holding the <em>older</em> generation and fdatasyncs, so the
 * newest valid copy is never touched while it is being replaced: a crash mid-write (a torn slot,
 * detected by its CRC32C) leaves the previous record, which is a superset of what was safe to
 * forget. Slots are 4 KiB aligned so a torn sector of one can never damage the other.
 *
 * <p>Slot layout, big-endian: magic "TBRC" (int), version (short), reserved (short), slot size
 * (int), generation (long), extent size (long), count (int), count extent indexes (long each),
 * CRC32C of everything before it (int). The slot size is in each slot so the second slot can be
 * found even when the first is damaged.
 *
 * <p>Writes are blocking file I/O: call them on an I/O executor, never on an event loop.
 */
public final class RecordFile implements AutoCloseable {

    private static final Logger LOG = System.getLogger(RecordFile.class.getName());

    static final int MAGIC = 0x54425243;
    static final short VERSION = 1;
    static final int HEADER = 4 + 2 + 2 + 4 + 8 + 8 + 4;
    static final int ALIGN = 4096;
    /** A record file bigger than this is not ours: refuse rather than read it into memory. */
    private static final long MAX_FILE = 64L << 20;

    private final Path path;
    private final StorageFile slots;
    private final int slotSize;
    private final long extentSize;
    private final RecordSnapshot loaded;
    private long generation;
    private int newestSlot;

    private RecordFile(Path path, StorageFile slots, int slotSize, long extentSize, RecordSnapshot loaded,
            int newestSlot) {
        this.path = path;
        this.slots = slots;
        this.slotSize = slotSize;
        this.extentSize = extentSize;
        this.loaded = loaded;
        this.generation = loaded.generation();
        this.newestSlot = newestSlot;
    }

    /** Bytes one slot needs for {@code entries} extents. */
    static int slotSizeFor(int entries) {
        long raw = HEADER + 8L * entries + 4;
        return (int) ((raw + ALIGN - 1) / ALIGN * ALIGN);
    }

    /**
     * Opens the record file, creating an empty one if absent. An existing record is loaded (see
     * {@link #loaded()}); if it was written with another extent size or smaller slots, it is
     * converted (covering at least the same bytes) and rewritten atomically in the new layout.
     *
     * @param maxEntries most extents one update will hold (capacity plus busy headroom)
     * @throws RecordException if the file exists but neither slot is valid, or on an I/O error
     */
    public static RecordFile open(Path path, long extentSize, int maxEntries) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            RecordSnapshot found;
            int needed = slotSizeFor(maxEntries);
            Layout layout = null;
            try {
                layout = parse(path, readSmall(path));
            } catch (NoSuchFileException e) {
                // first start: an empty record
            }
            if (layout == null) {
                found = RecordSnapshot.empty(0, extentSize);
                create(path, found, needed);
                LOG.log(Level.INFO, "created record file {0}", path);
                return openChannel(path, needed, extentSize, found, 0);
            }
            found = layout.newest;
            RecordSnapshot converted = found.inExtentsOf(extentSize);
            int slot = Math.max(needed, slotSizeFor(converted.size()));
            if (layout.slotSize != slot || found.extentSize() != extentSize) {
                LOG.log(Level.INFO, "rewriting record file {0}: slots of {1} bytes, extents of {2} bytes"
                        + " (was {3} and {4})", path, Integer.toString(slot), Long.toString(extentSize),
                        Integer.toString(layout.slotSize), Long.toString(found.extentSize()));
                create(path, converted, slot);
                return openChannel(path, slot, extentSize, converted, 0);
            }
            return openChannel(path, slot, extentSize, found, layout.newestSlot);
        } catch (IOException e) {
            throw new RecordException("cannot open record file " + path + ": " + e, e);
        }
    }

    /** Reads a record file without opening it for updates (status and verify tools, tests). */
    public static RecordSnapshot read(Path path) {
        try {
            return parse(path, readSmall(path)).newest;
        } catch (IOException e) {
            throw new RecordException("cannot read record file " + path + ": " + e, e);
        }
    }

    private static RecordFile openChannel(Path path, int slotSize, long extentSize, RecordSnapshot loaded,
            int newestSlot) throws IOException {
        // Slot updates go through the storage factory, so a power-cut test can drop unforced ones;
        // whole-file rewrites (create) are an atomic replace through it.
        StorageFile slots = StorageFiles.system().open(path);
        return new RecordFile(path, slots, slotSize, extentSize, loaded, newestSlot);
    }

    private static byte[] readSmall(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE) {
            throw new RecordException("record file " + path + " has " + size + " bytes, more than any"
                    + " record this node writes; is record.file pointing at the right file?");
        }
        return Files.readAllBytes(path);
    }

    /**
     * Writes a whole new file next to the old one and renames it over: both slots hold the same
     * record, so the file is valid at every instant of a crash.
     */
    private static void create(Path path, RecordSnapshot record, int slotSize) throws IOException {
        ByteBuffer file = ByteBuffer.allocate(2 * slotSize);
        file.put(encode(record.indexes(), record.generation(), record.extentSize(), slotSize));
        file.position(slotSize);
        file.put(encode(record.indexes(), record.generation(), record.extentSize(), slotSize));
        StorageFiles.system().replace(path, file.array());
    }

    static ByteBuffer encode(long[] indexes, long generation, long extentSize, int slotSize) {
        if (HEADER + 8L * indexes.length + 4 > slotSize) {
            throw new IllegalArgumentException(indexes.length + " extents do not fit a record slot of "
                    + slotSize + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 8 * indexes.length + 4);
        buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putInt(slotSize).putLong(generation)
                .putLong(extentSize).putInt(indexes.length);
        for (long i : indexes) {
            buf.putLong(i);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /** The file's two slots, as found. */
    private record Layout(RecordSnapshot newest, int newestSlot, int slotSize) {
    }

    private record Slot(RecordSnapshot record, int slotSize) {
    }

    private static Layout parse(Path path, byte[] data) {
        Slot first = slotAt(data, 0);
        Slot second = null;
        if (first != null) {
            Slot s = slotAt(data, first.slotSize);
            second = s != null && s.slotSize == first.slotSize ? s : null;
        } else {
            // The first slot is damaged: the second starts where it says it does.
            for (int at = ALIGN; at < data.length && second == null; at += ALIGN) {
                Slot s = slotAt(data, at);
                second = s != null && s.slotSize == at ? s : null;
            }
        }
        if (first == null && second == null) {
            throw new RecordException("record file " + path + " (" + data.length + " bytes) has no valid"
                    + " slot: both copies are torn or corrupt (or it is not a twinblock record file)."
                    + " The extents that may differ between the nodes are unknown; run a full verify"
                    + " (checksum resync) and then remove the file to start with an empty record");
        }
        if (first == null || second == null) {
            LOG.log(Level.WARNING, "record file {0}: one slot is torn or corrupt, using the other"
                    + " (generation {1})", path, Long.toString((first != null ? first : second).record.generation()));
        }
        if (second == null || (first != null && first.record.generation() >= second.record.generation())) {
            return new Layout(first.record, 0, first.slotSize);
        }
        return new Layout(second.record, 1, second.slotSize);
    }

    /** The valid slot at {@code at}, or null if it is missing, torn or corrupt. */
    private static Slot slotAt(byte[] data, int at) {
        if (at < 0 || at > data.length - HEADER - 4) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(data, at, data.length - at);
        if (buf.getInt() != MAGIC || buf.getShort() != VERSION) {
            return null;
        }
        buf.getShort();
        int slotSize = buf.getInt();
        long generation = buf.getLong();
        long extentSize = buf.getLong();
        int count = buf.getInt();
        long used = HEADER + 8L * count + 4;
        if (slotSize < ALIGN || slotSize % ALIGN != 0 || count < 0 || used > slotSize
                || at + used > data.length || extentSize < 4096 || Long.bitCount(extentSize) != 1) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(data, at, (int) used - 4);
        if (ByteBuffer.wrap(data, at + (int) used - 4, 4).getInt() != (int) crc.getValue()) {
            return null;
        }
        long[] idx = new long[count];
        for (int i = 0; i < count; i++) {
            idx[i] = buf.getLong();
            if (idx[i] < 0) {
                return null;
            }
        }
        return new Slot(RecordSnapshot.ofIndexes(generation, extentSize, idx), slotSize);
    }

    /** The record as loaded at open: after a crash, the only extents that may differ. */
    public RecordSnapshot loaded() {
        return loaded;
    }

    /** Generation of the newest durable slot. */
    public synchronized long generation() {
        return generation;
    }

    public long extentSize() {
        return extentSize;
    }

    /** Most extents one update can hold. */
    public int maxEntries() {
        return (slotSize - HEADER - 4) / 8;
    }

    public Path path() {
        return path;
    }

    /**
     * Durably replaces the record with {@code record}'s extents: writes the older slot with the
     * next generation and fdatasyncs. Blocking. If it throws, the previous record is still valid on
     * disk, but a failed fdatasync may have dropped pages, so the caller must not trust the file
     * again without reopening it.
     *
     * @return the new generation
     */
    public synchronized long write(RecordSnapshot record) throws IOException {
        if (record.extentSize() != extentSize) {
            throw new IllegalArgumentException("record of " + record.extentSize() + "-byte extents"
                    + " written to " + path + " which holds " + extentSize + "-byte extents");
        }
        long next = generation + 1;
        int slot = 1 - newestSlot;
        ByteBuffer buf = encode(record.indexes(), next, extentSize, slotSize);
        long pos = (long) slot * slotSize;
        while (buf.hasRemaining()) {
            pos += slots.write(buf, pos);
        }
        slots.force();
        generation = next;
        newestSlot = slot;
        return next;
    }

    @Override
    public void close() {
        try {
            slots.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing record file {0}: {1}", path, e);
        }
    }
}
