package net.twinblock.iscsi.session;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * Task management functions (RFC 7143 §11.5, SAM-5 §7). The response goes out only once every
 * task the function ends is out of the storage path: an initiator told "function complete"
 * may reuse those blocks at once. Aborted tasks get no SCSI Response.
 *
 * <p>Touched only on the connection's event loop.
 */
final class TaskManagement {

    private static final System.Logger LOG = System.getLogger(TaskManagement.class.getName());

    private final Session session;
    private final Connection connection;
    private final ScsiTaskExecutor executor;
    private final SessionRegistry registry;

    TaskManagement(Session session, Connection connection, ScsiTaskExecutor executor, SessionRegistry registry) {
        this.session = session;
        this.connection = connection;
        this.executor = executor;
        this.registry = registry;
    }

    /** A TMF Request whose CmdSN turn came (or an immediate one). Reads the PDU only here. */
    void onRequest(Pdu pdu) {
        int itt = pdu.itt();
        int code = pdu.flags() & Bhs.TmfRequest.FUNCTION_MASK;
        TmfFunction function = TmfFunction.of(code);
        int lun = LunField.decode(pdu.lun());
        int referencedTag = pdu.u32(Bhs.TmfRequest.REFERENCED_TASK_TAG);
        int refCmdSn = pdu.u32(Bhs.TmfRequest.REF_CMD_SN);
        if (function == null) {
            respond(itt, TmfResponse.FUNCTION_NOT_SUPPORTED);
            return;
        }
        LOG.log(Level.INFO, "session {0}: {1} lun={2} from {3}", session.tsih(), function, lun,
                session.nexus().initiatorPortName());
        switch (function) {
            case ABORT_TASK -> abortTask(itt, referencedTag, refCmdSn);
            case ABORT_TASK_SET -> {
                if (lunMissing(itt, lun)) {
                    return;
                }
                after(session.abort(t -> t.lun == lun), itt);
            }
            case CLEAR_TASK_SET -> {
                // One task set per LU shared by every nexus (TST=000): clear all of them.
                if (lunMissing(itt, lun)) {
                    return;
                }
                after(registry.abortEverywhere(t -> t.lun == lun), itt);
            }
            case LOGICAL_UNIT_RESET -> {
                if (lunMissing(itt, lun)) {
                    return;
                }
                after(registry.abortEverywhere(t -> t.lun == lun)
                        .thenCompose(v -> executor.lunReset(lun, session.nexus())), itt);
            }
            case TARGET_WARM_RESET -> after(registry.abortEverywhere(t -> true)
                    .thenCompose(v -> executor.targetReset(session.nexus())), itt);
            case TARGET_COLD_RESET -> registry.abortEverywhere(t -> true)
                    .thenCompose(v -> executor.targetReset(session.nexus())).whenComplete((v, e) ->
                    connection.loop().execute(() -> {
                        respond(itt, TmfResponse.FUNCTION_COMPLETE);
                        // A cold reset drops every session, ours included, once the answer is out.
                        registry.terminateAll("target cold reset by " + session.nexus().initiatorPortName());
                    }));
            // ErrorRecoveryLevel 0: there is no other connection to move a task to.
            case TASK_REASSIGN -> respond(itt, TmfResponse.TASK_REASSIGNMENT_NOT_SUPPORTED);
            // We never establish ACA (NACA=0 is all we accept), so there is nothing to clear.
            case CLEAR_ACA -> respond(itt, TmfResponse.FUNCTION_NOT_SUPPORTED);
            default -> respond(itt, TmfResponse.FUNCTION_NOT_SUPPORTED);
        }
    }

    private void abortTask(int itt, int referencedTag, int refCmdSn) {
        Task task = session.tasks.get(referencedTag);
        if (task != null) {
            after(session.abort(t -> t == task), itt);
            return;
        }
        if (session.window.notYetReceived(refCmdSn)) {
            // RFC 7143 §11.5.1: the command may still be on its way; remember to drop it and
            // report the abort done, so the initiator can reuse the tag.
            session.abortedBeforeArrival.add(refCmdSn);
            respond(itt, TmfResponse.FUNCTION_COMPLETE);
            return;
        }
        // Already completed (its response is out) or never sent.
        respond(itt, TmfResponse.TASK_DOES_NOT_EXIST);
    }

    private boolean lunMissing(int itt, int lun) {
        if (lun < 0 || !executor.lunExists(lun)) {
            respond(itt, TmfResponse.LUN_DOES_NOT_EXIST);
            return true;
        }
        return false;
    }

    private void after(CompletableFuture<?> done, int itt) {
        done.whenComplete((v, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "task management on session " + session.tsih() + " failed", e);
            }
            TmfResponse r = e == null ? TmfResponse.FUNCTION_COMPLETE : TmfResponse.FUNCTION_REJECTED;
            if (connection.loop().inEventLoop()) {
                respond(itt, r);
            } else {
                connection.loop().execute(() -> respond(itt, r));
            }
        });
    }

    private void respond(int itt, TmfResponse response) {
        if (session.ended()) {
            return;
        }
        connection.send(TargetPdus.tmfResponse(connection.alloc(), itt, response.code()), true);
    }
}
