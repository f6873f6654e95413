package net.twinblock.mirror.link;

import java.util.concurrent.atomic.LongAdder;

/**
 * Frames the secondary received per mirrored write: each frame is a wake-up of its event loop
 * and a header to parse. Proves (in tests and on the metrics endpoint) that the small-write path
 * costs one frame and the large one more.
 */
public final class WakeupCounter {

    private final LongAdder smallWrites = new LongAdder();
    private final LongAdder smallFrames = new LongAdder();
    private final LongAdder largeWrites = new LongAdder();
    private final LongAdder largeFrames = new LongAdder();

    /** One mirrored write fully received, which took {@code frames} frames. */
    public void recordWrite(boolean large, int frames) {
        if (large) {
            largeWrites.increment();
            largeFrames.add(frames);
        } else {
            smallWrites.increment();
            smallFrames.add(frames);
        }
    }

    public long writes() {
        return smallWrites.sum() + largeWrites.sum();
    }

    public long smallWrites() {
        return smallWrites.sum();
    }

    public long largeWrites() {
        return largeWrites.sum();
    }

    public long smallFrames() {
        return smallFrames.sum();
    }

    public long largeFrames() {
        return largeFrames.sum();
    }

    public double framesPerSmallWrite() {
        return ratio(smallFrames.sum(), smallWrites.sum());
    }

    public double framesPerLargeWrite() {
        return ratio(largeFrames.sum(), largeWrites.sum());
    }

    private static double ratio(long frames, long writes) {
        return writes == 0 ? 0 : (double) frames / writes;
    }
}
