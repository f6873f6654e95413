package net.twinblock.mirror.store;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shares one fdatasync among every flush (SYNCHRONIZE CACHE, FUA write) that asks for one at
 * about the same time, the way a journal group-commits.
 *
 * <p>At most one force runs at a time. A request that arrives while a force is running cannot
 * ride on it: that force may have started before the request's writes completed, so it would not
 * cover them. Such requests gather into the <em>next</em> batch, which one force serves as soon
 * as the running one ends. Under load that is two forces for any number of requests.
 *
 * <p>A failed force poisons the commit for good. After a failed fdatasync Linux may already have
 * dropped the dirty pages and cleared the error, so a later "successful" force would acknowledge
 * data that never reached the disk (the PostgreSQL fsyncgate lesson). Every later request fails.
 */
final class GroupCommit {

    /** The durable-making action; FileChannel::force(false) in production. */
    @FunctionalInterface
    interface Force {
        void force() throws IOException;
    }

    private final Force force;
    /** Told of the failed fdatasync that poisons the commit (the volume's {@link DiskHealth}). */
    private final java.util.function.Consumer<Throwable> onPoisoned;
    private final Executor executor;
    private final String name;
    private final LongAdder requests = new LongAdder();
    private final LongAdder forces = new LongAdder();

    private final Object lock = new Object();
    /** Requests waiting for the force after the running one; null when nobody waits. */
    private CompletableFuture<Void> nextBatch;
    private boolean forcing;
    private Throwable poisoned;

    GroupCommit(Force force, Executor executor, String name) {
        this(force, executor, name, e -> { });
    }

    GroupCommit(Force force, Executor executor, String name, java.util.function.Consumer<Throwable> onPoisoned) {
        this.force = force;
        this.onPoisoned = onPoisoned;
        this.executor = executor;
        this.name = name;
    }

    /** Completes once every write that completed before this call is durable. */
    CompletableFuture<Void> request() {
        requests.increment();
        CompletableFuture<Void> batch;
        boolean start = false;
        synchronized (lock) {
            if (poisoned != null) {
                return CompletableFuture.failedFuture(poisonedError());
            }
            if (nextBatch == null) {
                nextBatch = new CompletableFuture<>();
            }
            batch = nextBatch;
            if (!forcing) {
                forcing = true;
                nextBatch = null;
                start = true;
            }
        }
        if (start) {
            launch(batch);
        }
        return batch;
    }

    long requests() {
        return requests.sum();
    }

    long forces() {
        return forces.sum();
    }

    private void launch(CompletableFuture<Void> batch) {
        try {
            executor.execute(() -> run(batch));
        } catch (RejectedExecutionException e) {
            finish(batch, new VolumeException(name + ": I/O executor refused the flush", true, e));
        }
    }

    private void run(CompletableFuture<Void> batch) {
        Throwable failure = null;
        try {
            forces.increment();
            force.force();
        } catch (IOException | RuntimeException e) {
            failure = e;
            synchronized (lock) {
                poisoned = e;
            }
            onPoisoned.accept(e);
        } catch (Error e) {
            // Not the disk's verdict (e.g. out of memory): fail this batch, keep the commit usable,
            // and above all complete the futures so no flush waits forever.
            finish(batch, new VolumeException(name + ": fdatasync could not run: " + e, true, e));
            throw e;
        }
        finish(batch, failure == null ? null : poisonedError());
    }

    private void finish(CompletableFuture<Void> batch, Throwable failure) {
        CompletableFuture<Void> following;
        boolean dead;
        synchronized (lock) {
            following = nextBatch;
            nextBatch = null;
            dead = poisoned != null;
            forcing = following != null && !dead;
        }
        // Complete outside the lock: callbacks may flush again and must not deadlock on us.
        if (failure == null) {
            batch.complete(null);
        } else {
            batch.completeExceptionally(failure);
        }
        if (following != null) {
            if (dead) {
                following.completeExceptionally(poisonedError());
            } else {
                launch(following);
            }
        }
    }

    private VolumeException poisonedError() {
        Throwable cause;
        synchronized (lock) {
            cause = poisoned;
        }
        return new VolumeException(name + ": fdatasync failed earlier; the volume can no longer"
                + " promise durability and refuses flushes until it is reopened", VolumeException.Fault.FLUSH_POISONED,
                cause);
    }
}
