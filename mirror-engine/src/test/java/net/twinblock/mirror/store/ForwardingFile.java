package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A {@link StorageFile} that passes every call on: tests override the one call they fault or gate. */
class ForwardingFile implements StorageFile {

    private final StorageFile real;

    ForwardingFile(StorageFile real) {
        this.real = real;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return real.write(src, position);
    }

    @Override
    public void force() throws IOException {
        real.force();
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public boolean isOpen() {
        return real.isOpen();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
