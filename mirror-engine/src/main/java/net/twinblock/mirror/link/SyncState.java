package net.twinblock.mirror.link;

/**
 * The primary tells the secondary, right after the handshake and again when a full copy ends,
 * whether the secondary's copy is identical ({@code inSync}) or being rebuilt. The secondary
 * records it in its metadata, so after a crash it knows its copy is only partly filled.
 * {@code sequence} carries the low 32 bits of the primary's data generation for the log.
 */
public record SyncState(boolean inSync, int sequence) implements PeerMessage {

    static final long SYNCING = 0;
    static final long IN_SYNC = 1;

    @Override
    public FrameType opcode() {
        return FrameType.SYNC_STATE;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.SYNC_STATE.code(), 0, 0, sequence, inSync ? IN_SYNC : SYNCING);
    }
}
