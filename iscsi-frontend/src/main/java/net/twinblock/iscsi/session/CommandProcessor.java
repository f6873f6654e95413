package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import net.twinblock.iscsi.login.SessionParams;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import net.twinblock.iscsi.scsi.AdditionalSense;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import net.twinblock.iscsi.scsi.SenseData;
import net.twinblock.iscsi.scsi.SenseKey;
import net.twinblock.iscsi.scsi.TaskAttribute;

/**
 * The life of SCSI commands on one session: a SCSI Command PDU becomes a {@link Task}, its
 * Data-Out is gathered (R2Ts sent as the rules allow), it runs in the executor once its CmdSN
 * turn came and its data is in, and its status goes back through {@link StatusSender}.
 *
 * <p>Touched only on the connection's event loop. Storage completions hop back onto it.
 */
final class CommandProcessor {

    private static final System.Logger LOG = System.getLogger(CommandProcessor.class.getName());

    /** Late Data-Out of a write ended for a data phase error is dropped quietly; a few suffice. */
    private static final int FAILED_ITTS_KEPT = 16;

    /** SAM-5: the command could not be taken for lack of resources; the initiator retries it. */
    private static final ScsiResponse TASK_SET_FULL = new ScsiResponse(ScsiStatus.TASK_SET_FULL, null, null, 0,
            false, false);

    private final Session session;
    private final Connection connection;
    private final ScsiTaskExecutor executor;
    private final SessionParams params;
    private final StatusSender status;
    private final Rejecter rejecter;
    private final java.util.LinkedHashSet<Integer> failedItts = new java.util.LinkedHashSet<>();
    /**
     * Immediate SCSI commands a session may have in the target at once; the non-immediate ones
     * are bounded by the command window, so a session holds at most window + this many.
     */
    static final int MAX_IMMEDIATE_COMMANDS = 32;

    private final UnsolicitedBudget unsolicited = new UnsolicitedBudget(UnsolicitedBudget.DEFAULT_LIMIT);

    CommandProcessor(Session session, Connection connection, ScsiTaskExecutor executor, SessionParams params,
                     Rejecter rejecter) {
        this.session = session;
        this.connection = connection;
        this.executor = executor;
        this.params = params;
        this.status = new StatusSender(connection, params);
        this.rejecter = rejecter;
    }

    /** A SCSI Command PDU. The caller keeps ownership of {@code pdu} and releases it. */
    void onCommand(Pdu pdu) {
        boolean immediate = pdu.immediate();
        int cmdSn = pdu.u32(Bhs.ScsiCommand.CMD_SN);
        if (!immediate && !session.window.accepts(cmdSn)) {
            // RFC 7143 §4.2.2.1: outside the window (or a duplicate) is silently ignored.
            LOG.log(Level.DEBUG, "session {0}: CmdSN {1} outside [{2}, {3}], ignored", session.tsih(),
                    Integer.toUnsignedString(cmdSn), Integer.toUnsignedString(session.window.expCmdSn()),
                    Integer.toUnsignedString(session.window.maxCmdSn()));
            return;
        }
        if (session.quiescing) {
            // Logout or shutdown under way: the initiator retries it elsewhere; nothing was acknowledged.
            return;
        }
        if (!immediate && session.abortedBeforeArrival.remove(cmdSn)) {
            // An ABORT TASK named this command before it arrived and was told "function complete".
            session.window.offer(cmdSn, Deliveries.NOTHING);
            return;
        }
        if (immediate && session.tasks.immediateCount() >= MAX_IMMEDIATE_COMMANDS) {
            // Immediate commands bypass the CmdSN window; this is their bound (RFC 7143 §11.17.1).
            reject(pdu, RejectReason.IMMEDIATE_COMMAND_REJECT, true, cmdSn, MAX_IMMEDIATE_COMMANDS
                    + " immediate commands already in the target");
            return;
        }
        int itt = pdu.itt();
        if (!failedItts.isEmpty()) {
            failedItts.remove(itt); // nearly always empty: no boxed ITT per command then
        }
        if (session.tasks.contains(itt)) {
            reject(pdu, RejectReason.TASK_IN_PROGRESS, immediate, cmdSn, "Initiator Task Tag already in use");
            return;
        }
        int flags = pdu.flags();
        boolean read = (flags & Bhs.ScsiCommand.FLAG_READ) != 0;
        boolean write = (flags & Bhs.ScsiCommand.FLAG_WRITE) != 0;
        int edtl = pdu.u32(Bhs.ScsiCommand.EXPECTED_DATA_TRANSFER_LENGTH);
        if (edtl < 0) {
            reject(pdu, RejectReason.INVALID_PDU_FIELD, immediate, cmdSn, "EDTL above 2 GiB");
            return;
        }
        if (pdu.data().isReadable() && !write) {
            reject(pdu, RejectReason.PROTOCOL_ERROR, immediate, cmdSn, "immediate data on a command without W bit");
            return;
        }
        byte[] cdb = cdb(pdu);
        if (cdb == null) {
            reject(pdu, RejectReason.INVALID_PDU_FIELD, immediate, cmdSn, "malformed extended CDB AHS");
            return;
        }
        long lunField = pdu.lun();
        int lun = LunField.decode(lunField);
        TaskAttribute attribute = TaskAttribute.of(flags & Bhs.ScsiCommand.ATTR_MASK);
        WriteTransfer transfer = null;
        if (write && edtl > 0) {
            // The CDB is judged now, before any R2T: the transfer keeps only what it will use.
            long needed = executor.dataOutLength(new ScsiRequest(session.nexus(), lun, cdb, edtl, read, true, null,
                    attribute, connection.alloc()));
            try {
                transfer = new WriteTransfer(edtl, needed, params, connection.alloc(), pdu, pdu.finalBit(),
                        unsolicited);
            } catch (DataOutException e) {
                reject(pdu, e.reason(), immediate, cmdSn, e.getMessage());
                return;
            }
        } else if (write && pdu.data().isReadable()) {
            reject(pdu, RejectReason.PROTOCOL_ERROR, immediate, cmdSn, "immediate data beyond EDTL 0");
            return;
        }
        Task task = new Task(itt, cmdSn, immediate, lunField, lun, cdb, edtl, read, write, attribute, transfer);
        if (transfer != null && transfer.starved()) {
            LOG.log(Level.DEBUG, "session {0}: {1} answered TASK SET FULL: unsolicited data allowance spent",
                    session.tsih(), task);
            task.verdict = TASK_SET_FULL;
        }
        session.tasks.add(task);
        session.countCommand();
        if (immediate) {
            deliver(task);
        } else {
            session.window.offer(cmdSn, new CommandWindow.Delivery() {
                @Override
                public void deliver() {
                    CommandProcessor.this.deliver(task);
                }

                @Override
                public void discard() {
                    // The session is ending; its abort releases the task.
                }
            });
        }
    }

    /** A SCSI Data-Out PDU. The caller keeps ownership of {@code pdu}. */
    void onDataOut(Pdu pdu) {
        Task task = session.tasks.get(pdu.itt());
        if (task == null && failedItts.contains(pdu.itt())) {
            return; // the rest of a write we already ended for a data phase error
        }
        if (task == null) {
            rejecter.reject(pdu.bhs(), RejectReason.INVALID_PDU_FIELD,
                    "Data-Out for unknown ITT 0x" + Integer.toHexString(pdu.itt()));
            return;
        }
        if (task.transfer == null || task.phase != Task.Phase.RECEIVING || task.dataComplete()) {
            rejecter.reject(pdu.bhs(), RejectReason.PROTOCOL_ERROR, "Data-Out for " + task + " which expects none");
            return;
        }
        int ttt = pdu.u32(Bhs.DataOut.TTT);
        if (ttt != Pdu.RESERVED_TAG && !task.transfer.owns(ttt)) {
            rejecter.reject(pdu.bhs(), RejectReason.INVALID_PDU_FIELD,
                    "Data-Out with unknown TTT 0x" + Integer.toHexString(ttt));
            return;
        }
        try {
            task.transfer.onDataOut(pdu);
        } catch (DataOutException e) {
            rejecter.reject(pdu.bhs(), e.reason(), e.getMessage());
            if (e.fatal()) {
                failDataPhase(task, e.sense());
            }
            return;
        }
        if (task.dataComplete()) {
            session.tasks.startRunnable(this::start);
        } else if (task.delivered) {
            solicit(task);
        }
    }

    /**
     * ErrorRecoveryLevel 0 cannot ask for Data-Out again, so a write whose data phase went
     * wrong ends here with CHECK CONDITION, ABORTED COMMAND, {@code sense} (4Bh/xx): nothing of it
     * reaches the storage, the initiator may retry it, and the connection goes on.
     */
    private void failDataPhase(Task task, AdditionalSense sense) {
        task.transfer.release();
        task.aborted = true; // its CmdSN turn, if still to come, must not start it
        rememberFailed(task.itt);
        status.send(task, ScsiResponse.checkCondition(SenseData.of(SenseKey.ABORTED_COMMAND, sense)));
        session.letGo(task);
        session.tasks.startRunnable(this::start);
    }

    private void rememberFailed(int itt) {
        failedItts.add(itt);
        if (failedItts.size() > FAILED_ITTS_KEPT) {
            failedItts.remove(failedItts.iterator().next());
        }
    }

    private void deliver(Task task) {
        if (task.aborted || session.ended()) {
            return;
        }
        session.tasks.deliver(task);
        if (task.transfer != null) {
            // R2Ts only once the command's CmdSN turn came: a command held behind a gap costs
            // at most its unsolicited data.
            solicit(task);
        }
        session.tasks.startRunnable(this::start);
    }

    private void solicit(Task task) {
        for (WriteTransfer.Solicitation s : task.transfer.solicit(connection::nextTtt)) {
            connection.send(TargetPdus.r2t(connection.alloc(), task.itt, task.lunField, s), false);
        }
    }

    private void start(Task task) {
        task.phase = Task.Phase.RUNNING;
        ByteBuf dataOut = task.transfer != null ? task.transfer.take() : null;
        if (task.verdict != null) {
            if (dataOut != null) {
                dataOut.release();
            }
            completed(task, task.verdict);
            return;
        }
        // Ownership of dataOut passes to the executor with the request.
        ScsiRequest request = new ScsiRequest(session.nexus(), task.lun, task.cdb, task.edtl, task.read, task.write,
                dataOut, task.attribute, connection.alloc());
        CompletableFuture<ScsiResponse> future;
        try {
            future = executor.execute(request);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "SCSI layer threw on " + task, e);
            future = CompletableFuture.completedFuture(internalFailure());
        }
        future.whenComplete((response, error) -> {
            ScsiResponse r = response != null ? response : internalFailure();
            if (error != null) {
                LOG.log(Level.ERROR, "SCSI layer failed " + task, error);
            }
            try {
                connection.loop().execute(() -> completed(task, r));
            } catch (RejectedExecutionException e) {
                r.dataIn().release(); // the node is shutting down; nobody is left to send it to
            }
        });
    }

    private void completed(Task task, ScsiResponse r) {
        if (task.aborted || session.ended()) {
            // Aborted while in storage: its data is written or read, but the status is dropped.
            r.dataIn().release();
        } else {
            session.tasks.freeSlot(task); // the answer carries the MaxCmdSN its slot opens
            status.send(task, r); // releases r.dataIn()
        }
        session.letGo(task);
        session.tasks.startRunnable(this::start);
    }

    private static ScsiResponse internalFailure() {
        return ScsiResponse.checkCondition(SenseData.of(SenseKey.HARDWARE_ERROR, AdditionalSense.INTERNAL_TARGET_FAILURE));
    }

    private void reject(Pdu pdu, RejectReason reason, boolean immediate, int cmdSn, String why) {
        rejecter.reject(pdu.bhs(), reason, why);
        if (!immediate) {
            // The rejected command still used up its CmdSN, or the window would stall behind it.
            session.window.offer(cmdSn, Deliveries.NOTHING);
        }
    }

    /** The CDB: 16 bytes from the BHS, plus the Extended CDB AHS (type 1) when there is one. */
    private static byte[] cdb(Pdu pdu) {
        byte[] cdb = new byte[Bhs.ScsiCommand.CDB_LENGTH];
        pdu.bhs().getBytes(pdu.bhs().readerIndex() + Bhs.ScsiCommand.CDB, cdb);
        ByteBuf ahs = pdu.ahs();
        int i = ahs.readerIndex();
        int end = ahs.writerIndex();
        while (end - i >= 4) {
            int length = ahs.getUnsignedShort(i);
            int type = ahs.getUnsignedByte(i + 2);
            // AHSLength counts from the AHS-specific byte; the whole AHS is padded to 4 bytes.
            int total = (3 + length + 3) & ~3;
            if (i + total > end || length < 1) {
                return null;
            }
            if (type == 1) {
                // AHSLength counts the reserved byte after the type, then the CDB bytes past 16.
                byte[] extended = new byte[16 + length - 1];
                System.arraycopy(cdb, 0, extended, 0, 16);
                ahs.getBytes(i + 4, extended, 16, length - 1);
                cdb = extended;
            }
            i += total;
        }
        return cdb;
    }
}
