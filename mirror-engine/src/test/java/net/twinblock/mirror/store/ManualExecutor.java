package net.twinblock.mirror.store;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** An executor whose tasks run only when the test says so: makes interleavings deterministic. */
final class ManualExecutor extends AbstractExecutorService {

    private final Queue<Runnable> queue = new ArrayDeque<>();
    private boolean shutdown;

    @Override
    public synchronized void execute(Runnable command) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        queue.add(command);
    }

    synchronized int queued() {
        return queue.size();
    }

    /** Runs the oldest queued task; false if none. */
    boolean runOne() {
        Runnable next;
        synchronized (this) {
            next = queue.poll();
        }
        if (next == null) {
            return false;
        }
        next.run();
        return true;
    }

    /** Runs tasks, including ones they queue, until none is left. */
    int runAll() {
        int n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = List.copyOf(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
