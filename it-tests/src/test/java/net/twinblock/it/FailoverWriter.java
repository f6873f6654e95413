package net.twinblock.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A host with two paths to the pair, as dm-multipath with {@code no_path_retry queue} behaves:
 * a write that fails on one path (reset connection, NOT READY of a standby or unavailable port)
 * is sent again, unchanged, on the other path, and again until a path acknowledges it, so the
 * file system above never sees an error. A retried write is the same bytes at the same place,
 * so whether a failed attempt landed somewhere does not matter. Keeps every acknowledged write
 * and the longest time between two completions.
 */
final class FailoverWriter implements AutoCloseable {

    private final Supplier<List<NodeProcess>> paths;
    private final String initiator;
    private final Duration giveUp;
    /** The last acknowledged content of each written LBA. */
    final Map<Long, byte[]> acked = new ConcurrentHashMap<>();
    private PairClient host;
    private int path;
    private volatile long lastCompletion = System.nanoTime();
    private volatile long worstGap;
    private volatile int switches;

    /**
     * @param paths  the two nodes, asked again at every path switch (a test restarts nodes)
     * @param giveUp how long one write may go without any path taking it before the writer fails
     */
    FailoverWriter(Supplier<List<NodeProcess>> paths, String initiator, Duration giveUp) {
        this.paths = paths;
        this.initiator = initiator;
        this.giveUp = giveUp;
    }

    /** Writes {@code data} at {@code lba}, on whichever path takes it. */
    void write(long lba, byte[] data) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + giveUp.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (host == null) {
                    host = PairClient.login(paths.get().get(path), initiator);
                }
                host.write(lba, data, false);
                acked.put(lba, data);
                long now = System.nanoTime();
                worstGap = Math.max(worstGap, now - lastCompletion);
                lastCompletion = now;
                return;
            } catch (IOException e) {
                last = e;
                closeHost();
                path = 1 - path;
                switches++;
                Thread.sleep(100); // a host's pause before it retries on the other path
            }
        }
        throw new IOException("no path took the write at LBA " + lba + " for " + giveUp.toSeconds() + " s", last);
    }

    /** The longest time between two completed writes since the last {@link #resetGap()}. */
    Duration worstGap() {
        return Duration.ofNanos(worstGap);
    }

    void resetGap() {
        worstGap = 0;
        lastCompletion = System.nanoTime();
    }

    int switches() {
        return switches;
    }

    private void closeHost() {
        if (host != null) {
            try {
                host.close();
            } catch (IOException ignored) {
                // the failed path's connection
            }
            host = null;
        }
    }

    @Override
    public void close() {
        closeHost();
    }
}
