package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.twinblock.mirror.link.StatusQuery;
import net.twinblock.mirror.store.VolumeException;

/**
 * The secondary's outstanding STATUS_QUERYs, by id. A query completes on the primary's
 * STATUS_REPLY and fails as retryable when the link goes (the read may then go to the primary).
 * The caller bounds how long it waits.
 */
final class StatusQueries {

    private final Supplier<Channel> primary;
    private final Map<Integer, CompletableFuture<Void>> pending = new HashMap<>();
    private int nextId;

    StatusQueries(Supplier<Channel> primary) {
        this.primary = primary;
    }

    CompletableFuture<Void> ask(long offset, long length) {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        Channel ch = primary.get();
        int id;
        synchronized (this) {
            if (ch == null || !ch.isActive()) {
                return CompletableFuture.failedFuture(new VolumeException("no link to the primary to ask whether"
                        + " a write is in flight on this range; read from the primary", true));
            }
            id = nextId++;
            pending.put(id, answered);
        }
        ch.writeAndFlush(new StatusQuery(id, offset, length)).addListener(f -> {
            if (!f.isSuccess()) {
                replied(id, new VolumeException("status query not sent: " + f.cause(), true));
            }
        });
        // A caller giving up (timeout) must not leave its entry behind.
        answered.whenComplete((v, err) -> {
            synchronized (this) {
                pending.remove(id, answered);
            }
        });
        return answered;
    }

    void replied(int id, Throwable failure) {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = pending.remove(id);
        }
        if (f != null) {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        }
    }

    void linkDown() {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            failed = new ArrayList<>(pending.values());
            pending.clear();
        }
        VolumeException e = new VolumeException("the link to the primary was lost before it answered a status"
                + " query; read from the primary", true);
        failed.forEach(f -> f.completeExceptionally(e));
    }
}
