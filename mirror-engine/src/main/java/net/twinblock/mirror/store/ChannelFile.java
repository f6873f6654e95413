package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The production {@link StorageFile}: a FileChannel, each call passed straight through. */
final class ChannelFile implements StorageFile {

    private final FileChannel channel;
    /** Where the last gathering write left the channel's position; -1 when unknown (an lseek each). */
    private long at = -1;

    private ChannelFile(FileChannel channel) {
        this.channel = channel;
    }

    static StorageFile open(Path file) throws IOException {
        return new ChannelFile(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return channel.write(src, position);
    }

    /**
     * One gathering write per call where it can: the channel's position is moved, so this is for
     * files with one writer (the journal's segments), never for a volume's positional I/O. An
     * append where the last one ended costs no lseek: the journal's batches follow each other.
     */
    @Override
    public synchronized long writeAll(ByteBuffer[] srcs, long position) throws IOException {
        long total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        if (at != position) {
            channel.position(position);
        }
        at = -1; // until this write is whole: a failed one leaves the position unknown
        long done = 0;
        while (done < total) {
            long n = channel.write(srcs);
            if (n <= 0) {
                throw new IOException("gathering write at " + (position + done) + " made no progress");
            }
            done += n;
        }
        at = position + done;
        return done;
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
