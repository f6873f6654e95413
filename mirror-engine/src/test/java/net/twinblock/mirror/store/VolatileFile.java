package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One file of {@link VolatileFiles}: the real file plus an overlay of 4 KiB pages holding every
 * write no force has covered yet. Reads see the overlay; force() writes its pages to the real
 * file, fdatasyncs it and forgets them; {@link #cut} drops them (or a random part of them).
 *
 * <p>One lock for everything: this is a test model, correct before fast.
 */
final class VolatileFile {

    static final int PAGE = 4096;

    private Path path;
    /** Page index to the page's current content; sorted so a seeded random cut repeats exactly. */
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private FileChannel real;
    /** Size including unforced writes past the real file's end. */
    private long size;
    private int handles;
    private boolean cut;

    private VolatileFile(Path path, FileChannel real) throws IOException {
        this.path = path;
        this.real = real;
        this.size = real.size();
    }

    static VolatileFile open(Path path) throws IOException {
        return new VolatileFile(path, openReal(path));
    }

    private static FileChannel openReal(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    synchronized StorageFile newHandle() throws IOException {
        if (real == null) {
            real = openReal(path);
        }
        handles++;
        return new Handle();
    }

    /** Renamed: its pages and open handles go with it, as an inode's do. */
    synchronized void movedTo(Path to) {
        path = to;
    }

    synchronized int unforcedPages() {
        return pages.size();
    }

    /** Loses power: keeps each unforced page with probability 1/2 if {@code random}, else none. */
    synchronized void cut(Random random) {
        cut = true;
        try {
            if (random != null && real != null) {
                for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
                    if (random.nextBoolean()) {
                        writeBack(e.getKey(), e.getValue()); // background writeback got to this one
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("power cut of " + path + ": writing back kept pages", e);
        } finally {
            pages.clear();
            closeReal();
        }
    }

    private synchronized int read(ByteBuffer dst, long position) throws IOException {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        long pos = position;
        int left = n;
        while (left > 0) {
            int at = (int) (pos % PAGE);
            int chunk = Math.min(PAGE - at, left);
            byte[] page = pages.get(pos / PAGE);
            if (page != null) {
                dst.put(page, at, chunk);
            } else {
                readReal(dst, pos, chunk);
            }
            pos += chunk;
            left -= chunk;
        }
        return n;
    }

    /** {@code length} bytes of the real file into dst; past its end, zeros. */
    private void readReal(ByteBuffer dst, long pos, int length) throws IOException {
        int limit = dst.limit();
        int end = dst.position() + length;
        dst.limit(end);
        try {
            while (dst.hasRemaining()) {
                int r = real.read(dst, pos + length - dst.remaining());
                if (r < 0) {
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                }
            }
        } finally {
            dst.limit(limit);
        }
    }

    private synchronized int write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        long pos = position;
        while (src.hasRemaining()) {
            int at = (int) (pos % PAGE);
            int chunk = Math.min(PAGE - at, src.remaining());
            src.get(page(pos / PAGE, chunk == PAGE), at, chunk);
            pos += chunk;
        }
        size = Math.max(size, position + n);
        return n;
    }

    /** The overlay page, created on first write: from the real file unless it is overwritten whole. */
    private byte[] page(long index, boolean whole) throws IOException {
        byte[] page = pages.get(index);
        if (page == null) {
            page = new byte[PAGE];
            if (!whole) {
                readReal(ByteBuffer.wrap(page), index * PAGE, PAGE);
            }
            pages.put(index, page);
        }
        return page;
    }

    private synchronized void force() throws IOException {
        for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
            writeBack(e.getKey(), e.getValue());
        }
        real.force(false);
        pages.clear();
    }

    /** The page's bytes up to the file's size (a page may straddle the end). */
    private void writeBack(long index, byte[] page) throws IOException {
        long start = index * PAGE;
        ByteBuffer b = ByteBuffer.wrap(page, 0, (int) Math.min(PAGE, size - start));
        while (b.hasRemaining()) {
            real.write(b, start + b.position());
        }
    }

    private synchronized long size() {
        return size;
    }

    private synchronized void release() {
        handles--;
        if (handles == 0 && pages.isEmpty()) {
            closeReal(); // nothing left to write back: reopened by the next handle
        }
    }

    private void closeReal() {
        if (real != null) {
            try {
                real.close();
            } catch (IOException e) {
                // a test fixture: the file's content is already decided
            }
            real = null;
        }
    }

    private synchronized void check(Handle h) throws IOException {
        if (cut) {
            throw new IOException("power cut: " + path + " is gone with the page cache; reopen it");
        }
        if (h.closed) {
            throw new ClosedChannelException();
        }
    }

    /** One opener's view; all state is the file's. */
    private final class Handle implements StorageFile {
        private boolean closed;

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (VolatileFile.this) {
                check(this);
                return VolatileFile.this.read(dst, position);
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            synchronized (VolatileFile.this) {
                check(this);
                return VolatileFile.this.write(src, position);
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (VolatileFile.this) {
                check(this);
                VolatileFile.this.force();
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (VolatileFile.this) {
                check(this);
                return VolatileFile.this.size();
            }
        }

        @Override
        public boolean isOpen() {
            synchronized (VolatileFile.this) {
                return !closed && !cut;
            }
        }

        @Override
        public void close() {
            synchronized (VolatileFile.this) {
                if (!closed) {
                    closed = true;
                    if (!cut) {
                        release();
                    }
                }
            }
        }
    }
}
