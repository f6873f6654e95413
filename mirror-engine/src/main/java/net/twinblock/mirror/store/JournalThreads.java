package net.twinblock.mirror.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The {@link Journal}'s own threads (appending, cleaning, points): one daemon each, stopped at close. */
final class JournalThreads {

    private static final Logger LOG = System.getLogger(JournalThreads.class.getName());
    static final long CLOSE_WAIT_SECONDS = 60;

    private JournalThreads() {
    }

    /** One daemon thread named {@code name} (the volume's file name in it, for a thread dump). */
    static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Lets the queued work finish before close returns: the next open must not find it half done. */
    static void stop(ExecutorService thread, Path volume, String what) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "{0}: {1} still running at close", volume, what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
