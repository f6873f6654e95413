package net.twinblock.iscsi.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import net.twinblock.iscsi.reservation.ReservationChange;
import net.twinblock.iscsi.reservation.ReservationNotice;
import net.twinblock.iscsi.reservation.ReservationState;
import net.twinblock.iscsi.reservation.ReservationStore;

/**
 * The one object holding an LU's reservation state. Commands read the current state without
 * locks; changes run one at a time, each deciding from the state the previous one left, and
 * take effect only after the {@link ReservationStore} accepted them, so a command never gets
 * GOOD for a change the store (file, peer) does not have.
 */
final class LunReservations {

    /**
     * What a PROUT, RESERVE or RELEASE decided: the state after it, the unit attentions it owes,
     * and for PREEMPT AND ABORT that the preempted nexuses' tasks end too.
     */
    record Outcome(ReservationState after, List<ReservationNotice> notices, boolean abortsPreempted) {
        Outcome(ReservationState after, List<ReservationNotice> notices) {
            this(after, notices, false);
        }

        static Outcome of(ReservationState after) {
            return new Outcome(after, List.of());
        }

        Outcome aborting() {
            return new Outcome(after, notices, true);
        }
    }

    private final int lun;
    private final ReservationStore store;
    private final Consumer<ReservationChange> applied;
    /** Where this node decides for a pair: gives the partner each change before it takes effect here. */
    private final Function<ReservationChange, CompletableFuture<Void>> replicate;
    private volatile ReservationState state;
    /**
     * False on a node that forwards (a pair's secondary) from the moment its link came up until the
     * deciding node's state arrived over it: what it holds may be older than what the primary enforces.
     */
    private volatile boolean current = true;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    LunReservations(int lun, ReservationStore store, Consumer<ReservationChange> applied,
            Function<ReservationChange, CompletableFuture<Void>> replicate) {
        this.lun = lun;
        this.store = store;
        this.applied = applied;
        this.replicate = replicate;
        this.state = store.initial(lun);
    }

    ReservationState state() {
        return state;
    }

    /** False while this replica waits for the deciding node's state (see {@link #awaitDecidersState}). */
    boolean current() {
        return current;
    }

    /**
     * This node's replica may be stale until the next state adopted from the deciding node; in turn
     * with adoptions, so a state adopted before this call does not count.
     */
    CompletableFuture<Void> awaitDecidersState() {
        synchronized (this) {
            CompletableFuture<Void> next = tail.exceptionally(e -> null).thenRun(() -> current = false);
            tail = next;
            return next;
        }
    }

    /**
     * Queues a change: {@code decide} sees the state every earlier change left, and may throw
     * {@link CheckCondition} or {@link ReservationConflict} to refuse. Completes, with the
     * notices the change owed, once the store has the change and this LU enforces it.
     */
    CompletableFuture<List<ReservationNotice>> change(Function<ReservationState, Outcome> decide) {
        synchronized (this) {
            CompletableFuture<List<ReservationNotice>> next = tail.exceptionally(e -> null).thenCompose(v -> {
                ReservationState before = state;
                Outcome o = decide.apply(before);
                if (o.after().equals(before) && o.notices().isEmpty()) {
                    return CompletableFuture.completedFuture(List.<ReservationNotice>of());
                }
                ReservationChange c = new ReservationChange(lun, before, o.after(), o.notices(), o.abortsPreempted());
                return store.apply(c).thenCompose(done -> replicate.apply(c)).thenApply(done -> {
                    state = c.after();
                    applied.accept(c);
                    return c.notices();
                });
            });
            tail = next;
            return next;
        }
    }

    /**
     * Takes a change decided elsewhere (the other node of a pair, from {@link ReservationChange#encode}):
     * in turn with local changes, it is made durable here (APTPL) and then becomes this LU's state
     * and raises its unit attentions on this node's nexuses.
     */
    CompletableFuture<ReservationChange> adopt(byte[] change) {
        synchronized (this) {
            CompletableFuture<ReservationChange> next = tail.exceptionally(e -> null).thenCompose(v -> {
                ReservationChange c = ReservationChange.decode(lun, state, change);
                return store.apply(c).thenApply(done -> {
                    state = c.after();
                    current = true;
                    applied.accept(c);
                    return c;
                });
            });
            tail = next;
            return next;
        }
    }

    /** Gives the partner the whole current state, in turn with changes (a link came up). */
    CompletableFuture<Void> resend() {
        synchronized (this) {
            CompletableFuture<Void> next = tail.exceptionally(e -> null).thenCompose(v ->
                    replicate.apply(new ReservationChange(lun, state, state, List.of())));
            tail = next;
            return next;
        }
    }
}
