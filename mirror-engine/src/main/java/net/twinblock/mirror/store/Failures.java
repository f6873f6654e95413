package net.twinblock.mirror.store;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that takes a failure out of the wrappers a future puts around it: a stage of a
 * {@code CompletableFuture} chain sees a {@link CompletionException}, {@code get()} an
 * {@link ExecutionException}, and logs, status codes and retry decisions want what is inside.
 */
public final class Failures {

    private Failures() {
    }

    /** {@code t} without the future's wrappers around it. */
    public static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The failure as a {@link VolumeException}: itself if it is one, else wrapped as not retryable. */
    public static VolumeException volumeError(Throwable t) {
        Throwable c = cause(t);
        return c instanceof VolumeException v ? v : new VolumeException(String.valueOf(c), false, c);
    }
}
