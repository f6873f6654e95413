package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the frames for one mirrored write (the primary's side of DESIGN section 3): up to the
 * small-write threshold a single WRITE frame carrying everything; above it WRITE_BEGIN, one
 * WRITE_DATA per chunk, WRITE_END. The small path exists because each frame is a wake-up and a
 * header parse on the secondary; most host writes are small.
 */
public final class WriteFramer {

    public static final int DEFAULT_SMALL_WRITE_THRESHOLD = 32 * 1024;
    public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

    private final int smallWriteThreshold;
    private final int chunkSize;

    public WriteFramer() {
        this(DEFAULT_SMALL_WRITE_THRESHOLD, DEFAULT_CHUNK_SIZE);
    }

    /**
     * @param smallWriteThreshold largest write sent as one WRITE frame (the peer's decoder limit must allow it)
     * @param chunkSize largest WRITE_DATA payload of a large write
     */
    public WriteFramer(int smallWriteThreshold, int chunkSize) {
        if (smallWriteThreshold < 0 || smallWriteThreshold > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("small-write threshold must be 0.." + FrameHeader.MAX_PAYLOAD
                    + " bytes, not " + smallWriteThreshold);
        }
        if (chunkSize < 1 || chunkSize > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("mirror chunk size must be 1.." + FrameHeader.MAX_PAYLOAD
                    + " bytes, not " + chunkSize);
        }
        this.smallWriteThreshold = smallWriteThreshold;
        this.chunkSize = chunkSize;
    }

    public int smallWriteThreshold() {
        return smallWriteThreshold;
    }

    /**
     * The frames for one write, in sending order. Takes ownership of {@code data}: the frames
     * hold it (or retained slices of it) and releasing every frame releases it.
     */
    public List<PeerMessage> frames(int sequence, long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        if (length == 0 || offset < 0) {
            data.release();
            throw new IllegalArgumentException("cannot mirror a write of " + length + " bytes at " + offset);
        }
        if (length <= smallWriteThreshold) {
            return List.of(new SmallWrite(sequence, offset, fua, data));
        }
        List<PeerMessage> frames = new ArrayList<>(2 + (length + chunkSize - 1) / chunkSize);
        frames.add(new WriteBegin(sequence));
        int start = data.readerIndex();
        for (int done = 0; done < length; done += chunkSize) {
            int n = Math.min(chunkSize, length - done);
            // Each chunk retains the data; the caller's reference is dropped below.
            frames.add(new WriteData(sequence, done, data.retainedSlice(start + done, n)));
        }
        frames.add(new WriteEnd(sequence, offset, length, fua));
        data.release();
        return frames;
    }
}
