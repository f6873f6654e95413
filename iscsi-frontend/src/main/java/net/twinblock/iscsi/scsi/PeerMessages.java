package net.twinblock.iscsi.scsi;

import io.netty.buffer.Unpooled;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.PairPeer;
import net.twinblock.iscsi.lun.StorageException;

/**
 * The device server's side of {@link PairPeer}: forwards the commands only the deciding node
 * may run, runs those the partner forwarded, and acts on the partner's news (its reservation
 * changes, its resets, its unit attentions).
 */
final class PeerMessages {

    private static final Logger LOG = System.getLogger(PeerMessages.class.getName());
    private static final byte[] NOTHING = new byte[0];
    /** RELEASE(6): what a secondary forwards for a nexus that is gone, so the primary drops its RESERVE. */
    private static final byte[] RELEASE_6 = {(byte) 0x17, 0, 0, 0, 0, 0};

    private final ScsiCommandDispatcher dispatcher;

    PeerMessages(ScsiCommandDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * The commands that change reservations or mode parameters or read and write back blocks: on
     * a pair the node that decides runs them, so each is ordered against every other change and
     * write there.
     */
    static boolean decidedByPrimary(ScsiOpcode op) {
        return op.code() == ScsiOpcode.PERSISTENT_RESERVE_OUT || op == ScsiOpcode.RESERVE_6
                || op == ScsiOpcode.RESERVE_10 || op == ScsiOpcode.RELEASE_6 || op == ScsiOpcode.RELEASE_10
                || op == ScsiOpcode.MODE_SELECT_6 || op == ScsiOpcode.MODE_SELECT_10 || WriteGate.exclusive(op);
    }

    /** Sends the task's command to the deciding node and answers with its outcome. Releases the task's Data-Out. */
    CompletableFuture<ScsiResponse> forward(ScsiTask task) {
        PeerMessage.Command command;
        try {
            command = PeerMessage.command(task.request(), task.relativePortId());
        } finally {
            task.releaseUnclaimedData();
        }
        ScsiOpcode op = task.op();
        return dispatcher.peer().call(task.request().lun(), command.encode()).handle((answer, failure) -> {
            if (failure != null) {
                return ScsiResponse.checkCondition(ScsiCommandDispatcher.senseFor(failure, op));
            }
            try {
                return PeerMessage.Outcome.decode(answer).response();
            } catch (RuntimeException e) {
                return ScsiResponse.checkCondition(ScsiCommandDispatcher.senseFor(e, op));
            }
        });
    }

    /** A nexus of this (forwarding) node is gone: the deciding node releases its SPC-2 reservation, if it holds one. */
    void releaseLegacy(LogicalUnit lu, Nexus nexus) {
        PeerMessage.Command release = new PeerMessage.Command(nexus.initiatorName(), nexus.isid(),
                nexus.targetPortalGroupTag(), lu.portGroup().relativePortId(), RELEASE_6, 0, NOTHING);
        dispatcher.peer().call(lu.lun(), release.encode()).whenComplete((answer, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "LUN {0}: could not tell the primary that {1} is gone; its RESERVE, if any,"
                        + " stays until a reset or its release: {2}", lu.lun(), nexus.initiatorPortName(), failure);
            }
        });
    }

    /** Tells the partner {@code news}; completes once it acted, or could not be reached (logged: nothing to retry). */
    CompletableFuture<Void> tell(int lun, PeerMessage news) {
        PairPeer peer = dispatcher.peer();
        if (peer == PairPeer.NONE) {
            return CompletableFuture.completedFuture(null);
        }
        return peer.call(lun, news.encode()).handle((answer, failure) -> {
            if (failure != null) {
                LOG.log(Level.INFO, "LUN {0}: the partner did not hear of {1}: {2}", lun, news, failure.toString());
            }
            return null;
        });
    }

    /** The partner's message about LUN {@code lun}; fails for an unknown LUN or a message that does not parse. */
    CompletableFuture<byte[]> received(int lun, byte[] message) {
        LogicalUnit lu = dispatcher.luns().get(lun);
        PeerMessage m;
        try {
            if (lu == null) {
                throw new IllegalArgumentException("no LUN " + lun);
            }
            m = PeerMessage.decode(message);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (m instanceof PeerMessage.Command c) {
            return run(lu, c);
        }
        if (m instanceof PeerMessage.Reservations r) {
            // PREEMPT AND ABORT: this node's tasks of the preempted nexuses end before the primary answers.
            return dispatcher.reservations(lun).adopt(r.change()).thenCompose(c -> c.abortsPreempted()
                    ? dispatcher.abortTasksOf(lun, c.preempted()) : CompletableFuture.<Void>completedFuture(null))
                    .thenApply(v -> NOTHING);
        }
        if (m instanceof PeerMessage.StateRequest) {
            // Answered once the state (queued after every change before it) is there.
            return dispatcher.sendReservationState(lun)
                    .thenCompose(v -> modeParameters(lun, new Nexus("", 0, 0)))
                    .thenApply(v -> NOTHING);
        }
        if (m instanceof PeerMessage.ModeParameters p) {
            if (dispatcher.modeParameters(lun).adopt(p.pages())) {
                dispatcher.unitAttentions().postExcept(lun,
                        SenseData.of(SenseKey.UNIT_ATTENTION, AdditionalSense.MODE_PARAMETERS_CHANGED), p.changedBy());
            }
            return CompletableFuture.completedFuture(NOTHING);
        }
        if (m instanceof PeerMessage.Reset) {
            dispatcher.resetHere(lun);
        } else if (m instanceof PeerMessage.UnitAttention u) {
            dispatcher.postUnitAttention(lun, u.condition());
        }
        return CompletableFuture.completedFuture(NOTHING);
    }

    /**
     * Gives the partner this node's mode pages, which {@code changedBy} changed (no UA for it
     * there); completes when it has them or could not be reached.
     */
    CompletableFuture<Void> modeParameters(int lun, Nexus changedBy) {
        return tell(lun, new PeerMessage.ModeParameters(dispatcher.modeParameters(lun).encode(),
                changedBy.initiatorName(), changedBy.isid(), changedBy.targetPortalGroupTag()));
    }

    /** A command the partner forwarded: runs here as if from its nexus through its target port. */
    private CompletableFuture<byte[]> run(LogicalUnit lu, PeerMessage.Command c) {
        if (dispatcher.peer().forwards()) {
            // Roles changed under the message: the partner retries at the node that decides now.
            return CompletableFuture.failedFuture(new StorageException(StorageException.Kind.NOT_READY_RETRYABLE,
                    "this node no longer decides for the pair"));
        }
        ScsiRequest request = new ScsiRequest(new Nexus(c.initiatorName(), c.isid(), c.targetPortalGroupTag()),
                lu.lun(), c.cdb(), c.edtl(), false, c.dataOut().length > 0, Unpooled.wrappedBuffer(c.dataOut()),
                TaskAttribute.SIMPLE, null);
        return dispatcher.execute(request, c.relativePortId()).thenApply(response -> {
            response.dataIn().release(); // these commands return no data
            return PeerMessage.Outcome.of(response).encode();
        });
    }
}
