package net.twinblock.mirror.resync;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.twinblock.mirror.store.AtomicFile;
import net.twinblock.mirror.store.StorageFiles;

/**
 * Where a checksum scan has got to, kept in a small file (atomic replace, checksummed) so that a
 * scan interrupted by a crash, a restart or a dropped link resumes from there instead of from
 * region 0. A cursor belongs to one algorithm and geometry: a file written for another scan, or
 * damaged, is ignored (the scan starts over, which costs time but never correctness).
 */
public final class ScanCursor {

    private static final Logger LOG = System.getLogger(ScanCursor.class.getName());
    private static final int MAGIC = 0x54425343; // "TBSC"

    private final Path file;
    private final ChecksumAlgorithm algorithm;
    private final ScanGeometry geometry;
    private final boolean resumed;
    private volatile long position;

    private ScanCursor(Path file, ChecksumAlgorithm algorithm, ScanGeometry geometry, long position) {
        this.file = file;
        this.algorithm = algorithm;
        this.geometry = geometry;
        this.position = position;
        this.resumed = position > 0;
    }

    /** A cursor that lives only as long as the process (a scrub that simply starts over). */
    public static ScanCursor inMemory(ChecksumAlgorithm algorithm, ScanGeometry geometry) {
        return new ScanCursor(null, algorithm, geometry, 0);
    }

    /** Resumes from {@code file} if it holds a cursor of this very scan, else starts at region 0. */
    public static ScanCursor open(Path file, ChecksumAlgorithm algorithm, ScanGeometry geometry) {
        long position = 0;
        try {
            byte[] body = AtomicFile.read(file);
            if (body != null) {
                position = decode(file, body, algorithm, geometry);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "ignoring scan cursor {0}: {1}; the scan starts from the beginning", file,
                    e.getMessage());
        }
        if (position > 0) {
            LOG.log(Level.INFO, "checksum scan resumes at region {0} of {1} ({2})", position, geometry.regionCount(),
                    file);
        }
        return new ScanCursor(file, algorithm, geometry, position);
    }

    private static long decode(Path file, byte[] body, ChecksumAlgorithm algorithm, ScanGeometry geometry)
            throws IOException {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (body.length < 5 || in.getInt() != MAGIC) {
            throw new IOException("not a scan cursor");
        }
        byte[] name = new byte[in.get()];
        in.get(name);
        String alg = new String(name, StandardCharsets.US_ASCII);
        long size = in.getLong();
        int blockSize = in.getInt();
        int blocksPerRegion = in.getInt();
        long position = in.getLong();
        if (!alg.equals(algorithm.configName()) || size != geometry.volumeSize() || blockSize != geometry.blockSize()
                || blocksPerRegion != geometry.blocksPerRegion()) {
            LOG.log(Level.INFO, "scan cursor {0} belongs to another scan ({1}, {2} bytes, {3}x{4}); starting over",
                    file, alg, size, blocksPerRegion, blockSize);
            return 0;
        }
        if (position < 0 || position > geometry.regionCount()) {
            throw new IOException("position " + position + " is outside the volume");
        }
        return position;
    }

    /** The next region to scan. */
    public long position() {
        return position;
    }

    /** True if this scan picked up where an earlier one stopped. */
    public boolean resumed() {
        return resumed;
    }

    public boolean done() {
        return position >= geometry.regionCount();
    }

    /** Records that every region before {@code next} is done (in memory; {@link #save} makes it durable). */
    public void advance(long next) {
        if (next < position || next > geometry.regionCount()) {
            throw new IllegalArgumentException("cursor cannot move from " + position + " to " + next);
        }
        position = next;
    }

    /** Makes the position durable. */
    public void save() throws IOException {
        if (file == null) {
            return;
        }
        byte[] name = algorithm.configName().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer body = ByteBuffer.allocate(4 + 1 + name.length + 8 + 4 + 4 + 8);
        body.putInt(MAGIC).put((byte) name.length).put(name).putLong(geometry.volumeSize())
                .putInt(geometry.blockSize()).putInt(geometry.blocksPerRegion()).putLong(position);
        AtomicFile.write(file, body.array());
    }

    /** The scan completed: forget the file, so the next scan starts from region 0. */
    public void finish() throws IOException {
        position = geometry.regionCount();
        if (file != null) {
            StorageFiles.system().delete(file);
        }
    }
}
