package net.twinblock.iscsi.reservation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one LU knows about reservations, as one immutable value: the persistent
 * registrations and reservation (SPC-4 §5.13), APTPL, and the SPC-2 RESERVE holder. Every
 * change is a new value, so a snapshot can be written to a file or sent to the other node of
 * a pair as it is ({@link #encode()} / {@link #decode(byte[])}).
 *
 * @param generation    PRgeneration: counts REGISTER, CLEAR, PREEMPT and REGISTER AND MOVE
 * @param registrations registered I_T nexuses in registration order (READ KEYS lists them so)
 * @param type          the persistent reservation's type, null when none is held
 * @param holder        the holder's registration; null when none is held or for All Registrants types
 * @param aptpl         activate persist through power loss, as the last PROUT that set it said
 * @param legacyHolder  the nexus holding an SPC-2 RESERVE(6)/(10), or null
 */
public record ReservationState(int generation, List<Registration> registrations, PrType type,
                               Registration holder, boolean aptpl, InitiatorPort legacyHolder) {

    public static final ReservationState EMPTY = new ReservationState(0, List.of(), null, null, false, null);

    private static final int MAGIC = 0x54425052; // "TBPR"
    private static final int VERSION = 1;

    public ReservationState {
        registrations = List.copyOf(registrations);
        if ((type == null) != (holder == null) && (type == null || !type.allRegistrants())) {
            throw new IllegalArgumentException("a reservation has a type and, unless All Registrants, a holder");
        }
    }

    /** The registration commands from {@code nexus} act under, or null if it is not registered. */
    public Registration registrationOf(InitiatorPort nexus) {
        for (Registration r : registrations) {
            if (r.covers(nexus)) {
                return r;
            }
        }
        return null;
    }

    public boolean reserved() {
        return type != null;
    }

    /** True if {@code nexus} holds the persistent reservation (any registrant for All Registrants). */
    public boolean isHolder(InitiatorPort nexus) {
        if (type == null) {
            return false;
        }
        return type.allRegistrants() ? registrationOf(nexus) != null : holder.covers(nexus);
    }

    /** The key READ RESERVATION reports: 0 for All Registrants types (SPC-4 §6.15.3). */
    public long reservationKey() {
        return type == null || type.allRegistrants() ? 0 : holder.key();
    }

    public ReservationState withRegistrations(List<Registration> regs, boolean bumpGeneration) {
        return new ReservationState(bumpGeneration ? generation + 1 : generation, regs, type, holder, aptpl, legacyHolder);
    }

    public ReservationState withReservation(PrType newType, Registration newHolder) {
        return new ReservationState(generation, registrations, newType,
                newType == null || newType.allRegistrants() ? null : newHolder, aptpl, legacyHolder);
    }

    public ReservationState withAptpl(boolean newAptpl) {
        return new ReservationState(generation, registrations, type, holder, newAptpl, legacyHolder);
    }

    public ReservationState withLegacyHolder(InitiatorPort newHolder) {
        return new ReservationState(generation, registrations, type, holder, aptpl, newHolder);
    }

    /** What survives a power loss: the persistent part if APTPL was set, else nothing. */
    public ReservationState persistentPart() {
        return aptpl ? withLegacyHolder(null) : EMPTY;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(generation);
            out.writeBoolean(aptpl);
            out.writeByte(type == null ? 0 : type.code());
            out.writeInt(registrations.size());
            for (Registration r : registrations) {
                out.writeLong(r.key());
                writePort(out, r.port());
                out.writeBoolean(r.allTargetPorts());
                out.writeBoolean(r.equals(holder));
            }
            out.writeBoolean(legacyHolder != null);
            if (legacyHolder != null) {
                writePort(out, legacyHolder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #encode()} wrote; throws IllegalArgumentException for anything else. */
    public static ReservationState decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException("not a reservation state (magic or version)");
            }
            int generation = in.readInt();
            boolean aptpl = in.readBoolean();
            int typeCode = in.readUnsignedByte();
            PrType type = typeCode == 0 ? null : PrType.of(typeCode);
            if (typeCode != 0 && type == null) {
                throw new IllegalArgumentException("unknown reservation type " + typeCode);
            }
            int n = in.readInt();
            if (n < 0 || n > 1 << 16) {
                throw new IllegalArgumentException("bad registration count " + n);
            }
            List<Registration> regs = new ArrayList<>(n);
            Registration holder = null;
            for (int i = 0; i < n; i++) {
                Registration r = new Registration(in.readLong(), readPort(in), in.readBoolean());
                if (in.readBoolean()) {
                    holder = r;
                }
                regs.add(r);
            }
            InitiatorPort legacy = in.readBoolean() ? readPort(in) : null;
            return new ReservationState(generation, regs, type, holder, aptpl, legacy);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated reservation state", e);
        }
    }

    static void writePort(DataOutputStream out, InitiatorPort p) throws IOException {
        out.writeUTF(p.initiatorName());
        out.writeLong(p.isid());
        out.writeShort(p.relativePortId());
    }

    static InitiatorPort readPort(DataInputStream in) throws IOException {
        return new InitiatorPort(in.readUTF(), in.readLong(), in.readUnsignedShort());
    }
}
