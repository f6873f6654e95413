package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional I/O on one data file the engine keeps (a LUN's image, a record file), the part of
 * {@link java.nio.channels.FileChannel} the engine uses. It exists so a test can put a
 * page-cache model between the engine and the disk and cut the power under it (see {@link
 * StorageFiles}); in production it is a FileChannel and nothing else.
 *
 * <p>Methods follow FileChannel's contracts: reads and writes may be short, a read at or past
 * the end returns -1. Callers use it from several threads at once, as they would a FileChannel.
 */
public interface StorageFile extends AutoCloseable {

    /** Reads into {@code dst} from {@code position}; bytes read, or -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Fills {@code dst} from {@code position}.
     *
     * @throws IOException also if the file ends first
     */
    default void readFully(ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = read(dst, p);
            if (n < 0) {
                throw new IOException("the file ends at " + p + ", before the " + dst.remaining()
                        + " bytes asked for");
            }
            p += n;
        }
    }

    /** Writes {@code src} at {@code position}; bytes written. */
    int write(ByteBuffer src, long position) throws IOException;

    /**
     * Writes every byte of {@code srcs}, back to back, from {@code position}: a gathering write
     * (one {@code pwritev} where the file allows it) for append-only files with one writer, the
     * journal. Returns the bytes written.
     */
    default long writeAll(ByteBuffer[] srcs, long position) throws IOException {
        long pos = position;
        for (ByteBuffer src : srcs) {
            while (src.hasRemaining()) {
                int n = write(src, pos);
                if (n <= 0) {
                    throw new IOException("write at " + pos + " made no progress");
                }
                pos += n;
            }
        }
        return pos - position;
    }

    /** fdatasync: every write completed before this call is durable when it returns. */
    void force() throws IOException;

    long size() throws IOException;

    boolean isOpen();

    @Override
    void close() throws IOException;
}
