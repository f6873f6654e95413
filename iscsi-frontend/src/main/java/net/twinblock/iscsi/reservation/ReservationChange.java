package net.twinblock.iscsi.reservation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One accepted change of an LU's reservation state: the state before and after, and the unit
 * attentions it owes. It takes effect (and the command that made it gets GOOD) only once
 * {@link ReservationStore#apply} completes.
 *
 * @param abortsPreempted PREEMPT AND ABORT: the tasks of the nexuses whose registrations it removed
 *                        end on every node (SPC-4 §5.13.11.2.5), not only where it was decided
 */
public record ReservationChange(int lun, ReservationState before, ReservationState after,
                                List<ReservationNotice> notices, boolean abortsPreempted) {

    public ReservationChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        notices = List.copyOf(notices);
    }

    public ReservationChange(int lun, ReservationState before, ReservationState after,
            List<ReservationNotice> notices) {
        this(lun, before, after, notices, false);
    }

    /** The registrations the change removed by PREEMPT or CLEAR. */
    public List<Registration> preempted() {
        return ReservationNotice.preempted(notices);
    }

    /** True if the persisted state (APTPL) changes, so the file must be rewritten. */
    public boolean persistentPartChanged() {
        return !before.persistentPart().equals(after.persistentPart());
    }

    /**
     * The state after and the notices, as the other node of a pair adopts them (it has its own
     * "before"): {@link #decode} reads it back.
     */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] state = after.encode();
            out.writeInt(state.length);
            out.write(state);
            out.writeInt(notices.size());
            for (ReservationNotice n : notices) {
                out.writeLong(n.to().key());
                ReservationState.writePort(out, n.to().port());
                out.writeBoolean(n.to().allTargetPorts());
                out.writeByte(n.event().ordinal());
            }
            out.writeBoolean(abortsPreempted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #encode()} wrote, as a change from {@code before}; IllegalArgumentException if it cannot. */
    public static ReservationChange decode(int lun, ReservationState before, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int length = in.readInt();
            if (length < 0 || length > data.length) {
                throw new IllegalArgumentException("bad reservation state length " + length);
            }
            byte[] state = new byte[length];
            in.readFully(state);
            int n = in.readInt();
            if (n < 0 || n > 1 << 16) {
                throw new IllegalArgumentException("bad notice count " + n);
            }
            List<ReservationNotice> notices = new ArrayList<>(n);
            ReservationEvent[] events = ReservationEvent.values();
            for (int i = 0; i < n; i++) {
                Registration to = new Registration(in.readLong(), ReservationState.readPort(in), in.readBoolean());
                int event = in.readUnsignedByte();
                if (event >= events.length) {
                    throw new IllegalArgumentException("unknown reservation event " + event);
                }
                notices.add(new ReservationNotice(to, events[event]));
            }
            return new ReservationChange(lun, before, ReservationState.decode(state), notices, in.readBoolean());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated reservation change", e);
        }
    }
}
