package net.twinblock.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT request a clean stop. Handling them ourselves (instead of a shutdown hook)
 * lets the node drain, flush and exit with 0; the JVM's default would exit with 143 or 130
 * while the stop was still running. sun.misc.Signal is the only JDK way to do that; it lives
 * in jdk.unsupported, which is exported on every JDK we run on.
 */
final class Signals {

    private static final Logger LOG = System.getLogger(Signals.class.getName());

    private Signals() {
    }

    /** Waits until a stop is requested (a signal, or a test completing it). */
    static void awaitStop(CompletableFuture<Void> stopRequested) {
        try {
            stopRequested.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Nobody completes it exceptionally; stopping is the right answer either way.
        }
    }

    /** Completes {@code stopRequested} on the first SIGTERM or SIGINT. */
    static void onTerminate(CompletableFuture<Void> stopRequested) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    // Runs on the JVM's signal thread: only hand over, never do the stop here.
                    if (!stopRequested.complete(null)) {
                        LOG.log(Level.INFO, "SIG" + signal.getName() + " again: already stopping");
                    }
                });
            } catch (IllegalArgumentException e) {
                // e.g. SIGINT is reserved when the JVM runs with -Xrs; SIGTERM still works.
                LOG.log(Level.WARNING, "cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
    }
}
