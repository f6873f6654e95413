package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Files through {@code under} where, once armed, the next write or fdatasync of one file waits
 * until the test lets it go on, or fail with an error's text: a disk that stalls in the middle of
 * a consistency point, held there as long as the test looks.
 */
final class HoldingFiles implements StorageFiles {

    /** Renames go through the files underneath, whose pages follow the file. */
    @Override
    public void move(Path from, Path to) throws IOException {
        under.move(from, to);
    }


    enum Call { WRITE, FORCE }

    private record Hold(Call call, CompletableFuture<Void> reached, CompletableFuture<String> outcome) {
    }

    private final StorageFiles under;
    private final String name;
    private final AtomicReference<Hold> armed = new AtomicReference<>();
    private volatile Hold last;

    /** Holds calls on the file named {@code name} (in any directory). */
    HoldingFiles(StorageFiles under, String name) {
        this.under = under;
        this.name = name;
    }

    /** The next {@code call} on the file waits (in the thread that makes it) until {@link #release} or {@link #fail}. */
    void holdNext(Call call) {
        Hold h = new Hold(call, new CompletableFuture<>(), new CompletableFuture<>());
        last = h;
        armed.set(h);
    }

    /** Returns once the held call is waiting. */
    void awaitHeld() throws Exception {
        last.reached().get(30, TimeUnit.SECONDS);
    }

    void release() {
        last.outcome().complete(null);
    }

    /** The held call fails with an IOException of this text (an errno's, e.g. "Input/output error"). */
    void fail(String error) {
        last.outcome().complete(error);
    }

    private void hold(Call call) throws IOException {
        Hold h = armed.get();
        if (h == null || h.call() != call || !armed.compareAndSet(h, null)) {
            return;
        }
        h.reached().complete(null);
        String error = h.outcome().join();
        if (error != null) {
            throw new IOException(error);
        }
    }

    @Override
    public StorageFile open(Path file) throws IOException {
        StorageFile f = under.open(file);
        if (!file.getFileName().toString().equals(name)) {
            return f;
        }
        return new ForwardingFile(f) {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                hold(Call.WRITE);
                return super.write(src, position);
            }

            @Override
            public void force() throws IOException {
                hold(Call.FORCE);
                super.force();
            }
        };
    }
}
