package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the two nodes of a pair tell each other about the SCSI device ({@link PairPeer}), and
 * its byte form. The embedder only carries the bytes.
 */
sealed interface PeerMessage {

    /** The first byte of every message. */
    enum Kind {
        COMMAND, RESERVATIONS, RESET, UNIT_ATTENTION, STATE_REQUEST, MODE_PARAMETERS
    }

    /**
     * A command the secondary received and the primary must run: the I_T nexus it came from
     * (with the secondary's relative target port), its CDB and its Data-Out.
     */
    record Command(String initiatorName, long isid, int targetPortalGroupTag, int relativePortId, byte[] cdb,
                   int edtl, byte[] dataOut) implements PeerMessage {
    }

    /** The decider's reservation change (a {@link net.twinblock.iscsi.reservation.ReservationChange} encoded). */
    record Reservations(byte[] change) implements PeerMessage {
    }

    /** A LUN reset through the sender: the receiver raises the unit attention on its nexuses. */
    record Reset() implements PeerMessage {
    }

    /** Raise {@code condition} on every nexus of the receiver (but none is excepted: they are all another port's). */
    record UnitAttention(AdditionalSense condition) implements PeerMessage {
    }

    /** The forwarding node asks for the whole reservation state (its link came up). */
    record StateRequest() implements PeerMessage {
    }

    /**
     * The deciding node's mode pages ({@link ModeParameters#encode}); the receiver raises MODE
     * PARAMETERS CHANGED on its nexuses but {@code changedBy}'s if they changed there.
     */
    record ModeParameters(byte[] pages, String changedByName, long changedByIsid, int changedByTpgt)
            implements PeerMessage {
        Nexus changedBy() {
            return new Nexus(changedByName, changedByIsid, changedByTpgt);
        }
    }

    /** A forwarded command's outcome. */
    record Outcome(int status, byte[] sense, int residual, boolean overflow, boolean underflow) {

        static Outcome of(ScsiResponse r) {
            return new Outcome(r.status().code(), r.sense() == null ? new byte[0] : r.sense(), r.residualCount(),
                    r.overflow(), r.underflow());
        }

        ScsiResponse response() {
            ScsiStatus s = ScsiStatus.of(status);
            if (s == null) {
                throw new IllegalArgumentException("unknown SCSI status " + status);
            }
            return new ScsiResponse(s, sense.length == 0 ? null : sense, null, residual, overflow, underflow);
        }

        byte[] encode() {
            return write(out -> {
                out.writeByte(status);
                writeBytes(out, sense);
                out.writeInt(residual);
                out.writeBoolean(overflow);
                out.writeBoolean(underflow);
            });
        }

        static Outcome decode(byte[] data) {
            return read(data, in -> new Outcome(in.readUnsignedByte(), readBytes(in), in.readInt(), in.readBoolean(),
                    in.readBoolean()));
        }
    }

    /** The command of {@code request}, arrived at this node through relative port {@code relativePortId}. */
    static Command command(ScsiRequest request, int relativePortId) {
        ByteBuf data = request.dataOut();
        byte[] bytes = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), bytes);
        Nexus n = request.nexus();
        return new Command(n.initiatorName(), n.isid(), n.targetPortalGroupTag(), relativePortId, request.cdb(),
                request.expectedDataTransferLength(), bytes);
    }

    default byte[] encode() {
        return write(out -> {
            if (this instanceof Command c) {
                out.writeByte(Kind.COMMAND.ordinal());
                out.writeUTF(c.initiatorName());
                out.writeLong(c.isid());
                out.writeInt(c.targetPortalGroupTag());
                out.writeShort(c.relativePortId());
                writeBytes(out, c.cdb());
                out.writeInt(c.edtl());
                writeBytes(out, c.dataOut());
            } else if (this instanceof Reservations r) {
                out.writeByte(Kind.RESERVATIONS.ordinal());
                writeBytes(out, r.change());
            } else if (this instanceof Reset) {
                out.writeByte(Kind.RESET.ordinal());
            } else if (this instanceof ModeParameters p) {
                out.writeByte(Kind.MODE_PARAMETERS.ordinal());
                writeBytes(out, p.pages());
                out.writeUTF(p.changedByName());
                out.writeLong(p.changedByIsid());
                out.writeInt(p.changedByTpgt());
            } else if (this instanceof StateRequest) {
                out.writeByte(Kind.STATE_REQUEST.ordinal());
            } else if (this instanceof UnitAttention u) {
                out.writeByte(Kind.UNIT_ATTENTION.ordinal());
                out.writeUTF(u.condition().name());
            }
        });
    }

    /** Reads what {@link #encode()} wrote; IllegalArgumentException for anything else. */
    static PeerMessage decode(byte[] data) {
        return read(data, in -> {
            int kind = in.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new IllegalArgumentException("unknown peer message kind " + kind);
            }
            return switch (Kind.values()[kind]) {
                case COMMAND -> new Command(in.readUTF(), in.readLong(), in.readInt(), in.readUnsignedShort(),
                        readBytes(in), in.readInt(), readBytes(in));
                case RESERVATIONS -> new Reservations(readBytes(in));
                case RESET -> new Reset();
                case UNIT_ATTENTION -> new UnitAttention(AdditionalSense.valueOf(in.readUTF()));
                case STATE_REQUEST -> new StateRequest();
                case MODE_PARAMETERS -> new ModeParameters(readBytes(in), in.readUTF(), in.readLong(), in.readInt());
            };
        });
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IllegalArgumentException("bad length " + n + " in a peer message");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] data, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            return r.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated peer message", e);
        }
    }
}
