package net.twinblock.iscsi.session;

import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.scsi.TaskAttribute;

/**
 * One SCSI command from the moment its PDU arrives until its status is sent (or it is
 * aborted). Touched only on its connection's event loop.
 */
final class Task {

    enum Phase {
        /** Waiting for Data-Out, or for its turn in CmdSN order. */
        RECEIVING,
        /** In the executor; the storage may be working on it. */
        RUNNING,
        /** Status sent, or aborted and let go. */
        DONE
    }

    final int itt;
    final int cmdSn;
    final boolean immediate;
    final long lunField;
    final int lun;
    final byte[] cdb;
    final int edtl;
    final boolean read;
    final boolean write;
    final TaskAttribute attribute;
    /** Null when the command moves no data to the target. */
    final WriteTransfer transfer;

    Phase phase = Phase.RECEIVING;
    /** Its turn in CmdSN order came (immediate commands: at once). */
    boolean delivered;
    /** Holds one of the session's command slots (see {@link TaskSet#slotsTaken}) until answered. */
    boolean holdsSlot;
    /** Its neighbours in the task set's delivery order, while listed there (see {@link TaskSet}). */
    Task earlier;
    Task later;
    boolean listed;
    /** Set when the command is answered without running (TASK SET FULL); its data is dropped. */
    net.twinblock.iscsi.scsi.ScsiResponse verdict;
    /** Aborted by a TMF or the session's end: its response, if any comes, is dropped. */
    boolean aborted;
    /** Completes when the task has left the task set (done, or aborted and out of storage). */
    final CompletableFuture<Void> gone = new CompletableFuture<>();

    Task(int itt, int cmdSn, boolean immediate, long lunField, int lun, byte[] cdb, int edtl, boolean read,
         boolean write, TaskAttribute attribute, WriteTransfer transfer) {
        this.itt = itt;
        this.cmdSn = cmdSn;
        this.immediate = immediate;
        this.lunField = lunField;
        this.lun = lun;
        this.cdb = cdb;
        this.edtl = edtl;
        this.read = read;
        this.write = write;
        this.attribute = attribute;
        this.transfer = transfer;
    }

    /** All Data-Out the command needs is here. */
    boolean dataComplete() {
        return transfer == null || transfer.complete();
    }

    boolean readyToRun() {
        return phase == Phase.RECEIVING && delivered && !aborted && dataComplete();
    }

    @Override
    public String toString() {
        return String.format("Task[itt=0x%08x cmdSn=%s op=0x%02x lun=%d %s]", itt, Integer.toUnsignedString(cmdSn),
                cdb[0] & 0xff, lun, phase);
    }
}
