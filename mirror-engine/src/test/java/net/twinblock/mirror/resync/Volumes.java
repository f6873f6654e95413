package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.store.Volume;

/** Whole-volume reads and writes for resync tests. */
final class Volumes {

    private static final int CHUNK = 1 << 20;

    private Volumes() {
    }

    static void write(Volume v, long offset, byte[] data) throws Exception {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(data.length);
        buf.writeBytes(data);
        v.write(offset, buf, false).get(30, TimeUnit.SECONDS); // the volume releases buf
    }

    static byte[] read(Volume v, long offset, int length) throws Exception {
        ByteBuf buf = v.read(offset, length, PooledByteBufAllocator.DEFAULT).get(30, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[length];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            buf.release();
        }
    }

    static byte[] readAll(Volume v) throws Exception {
        byte[] all = new byte[Math.toIntExact(v.size())];
        for (long pos = 0; pos < v.size(); pos += CHUNK) {
            int len = (int) Math.min(CHUNK, v.size() - pos);
            System.arraycopy(read(v, pos, len), 0, all, (int) pos, len);
        }
        return all;
    }

    static void writeAll(Volume v, byte[] data) throws Exception {
        for (int pos = 0; pos < data.length; pos += CHUNK) {
            int len = Math.min(CHUNK, data.length - pos);
            byte[] piece = new byte[len];
            System.arraycopy(data, pos, piece, 0, len);
            write(v, pos, piece);
        }
    }
}
