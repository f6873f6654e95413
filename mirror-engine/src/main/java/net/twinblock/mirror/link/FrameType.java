package net.twinblock.mirror.link;

/**
 * Peer frame types (the header's opcode byte) and, for each, what the header may say: which flags, and how long a
 * payload. The decoder refuses anything else before reading a single payload byte.
 * Code 0 is never valid, so a stream of zeros is caught at the first frame.
 */
public enum FrameType {
    // the handshake (see PeerAuth): challenges first, identities only after each side proved the key
    /** Primary to secondary: version and a challenge (nonce); older versions' longer HELLO is read for the version. */
    HELLO(0x01, 0, 2, HelloBody.OLD_HELLO_MAX),
    /** Secondary to primary: version, its proof over both nonces, its own nonce. */
    HELLO_ACK(0x02, 0, HelloBody.HELLO_ACK_LENGTH, HelloBody.HELLO_ACK_LENGTH),
    /** Primary to secondary: its proof over both nonces, then its identity. */
    HELLO_PROOF(0x03, 0, HelloBody.PROOF_LENGTH + HelloBody.IDENTITY_MIN, HelloBody.PROOF_LENGTH + HelloBody.IDENTITY_MAX),
    HEARTBEAT(0x04, 0, 0, 0),
    /** Fatal: the sender closes the link after it. Payload: a UTF-8 message for the log. */
    ERROR(0x05, 0, 0, 4096),
    /** Primary to secondary: a full copy starts (argument 0) or the copies are identical (1). */
    SYNC_STATE(0x06, 0, 0, 0),
    /** Secondary to primary, after HELLO_PROOF checked out: its identity. */
    HELLO_IDENTITY(0x07, 0, HelloBody.IDENTITY_MIN, HelloBody.IDENTITY_MAX),
    /** Primary to secondary: accepted (maybe with a discard order); mirroring may start. */
    HELLO_DONE(0x08, 0, 0, HelloBody.PROOF_LENGTH),

    /** The small write: all metadata in the header, data in the payload, one frame. */
    WRITE(0x10, FrameHeader.FLAG_FUA, 1, Integer.MAX_VALUE),
    WRITE_BEGIN(0x11, 0, 0, 0),
    WRITE_DATA(0x12, 0, 1, Integer.MAX_VALUE),
    WRITE_END(0x13, FrameHeader.FLAG_FUA, 4, 4),
    WRITE_ACK(0x14, 0, 0, 0),
    /** Deallocate a range: argument = byte offset, payload = u64 length; answered by WRITE_ACK. */
    DISCARD(0x15, 0, 8, 8),

    FLUSH(0x20, 0, 0, 0),
    FLUSH_ACK(0x21, 0, 0, 0),

    /**
     * Secondary to primary: a host write that reached the secondary, for the primary to run
     * through its mirrored volume. Argument = byte offset of this chunk; MORE = further chunks
     * of the same write (same id) follow; the last chunk carries FUA.
     */
    FORWARDED_WRITE(0x30, FrameHeader.FLAG_FUA | FrameHeader.FLAG_MORE, 1, Integer.MAX_VALUE),
    /** Secondary to primary: a host UNMAP; argument = byte offset, payload = u64 length. */
    FORWARDED_DISCARD(0x31, 0, 8, 8),
    /** Secondary to primary: a host SYNCHRONIZE CACHE; both nodes must be durable. */
    FORWARDED_FLUSH(0x32, 0, 0, 0),
    /** Primary to secondary: the forwarded operation {@code sequence} is done on both nodes (argument = AckStatus). */
    FORWARDED_ACK(0x33, 0, 0, 0),

    // predictive record and read gate (0x40-0x4F)
    /** Primary to secondary: the record's snapshot bytes; answered by RECORD_ACK once durable there. */
    RECORD_UPDATE(0x40, 0, 1, Integer.MAX_VALUE),
    /** Secondary to primary: record update {@code sequence} is durable (argument = AckStatus). */
    RECORD_ACK(0x41, 0, 0, 0),
    /** Secondary to primary, first after a link comes up: the extents its record file held at startup. */
    RECORD_REPORT(0x42, 0, 1, Integer.MAX_VALUE),
    /** Secondary to primary: argument = byte offset, payload = u64 length; answered by STATUS_REPLY. */
    STATUS_QUERY(0x43, 0, 8, 8),
    /** Primary to secondary: writes in flight on the queried range when the query arrived are done. */
    STATUS_REPLY(0x44, 0, 0, 0),

    // resync and scrub (0x50-0x5F)
    /** Primary to secondary: hashes of a run of regions (argument = first region); answered by BLOCK_REQUEST. */
    HASH_BATCH(0x50, 0, HashBatchFrame.FIXED + 1, Integer.MAX_VALUE),
    /** Secondary to primary: the blocks that differ in HASH_BATCH {@code sequence} (argument = AckStatus). */
    BLOCK_REQUEST(0x51, 0, 0, Integer.MAX_VALUE),

    // the volume's peer calls (0x60-0x6F): opaque to the engine, the embedder's SCSI state
    /** Either way: an embedder's message about this volume (sequence = call id); answered by PEER_REPLY. */
    PEER_CALL(0x60, 0, 1, Integer.MAX_VALUE),
    /** The answer to PEER_CALL {@code sequence} (argument = AckStatus), with the callee's opaque reply. */
    PEER_REPLY(0x61, 0, 0, Integer.MAX_VALUE),

    // consistency points (0x70-0x7F), DESIGN section 6
    /** Primary to secondary: (a frame of) a point's manifest, sequence = point number, MORE = more frames follow. */
    POINT_MANIFEST(0x70, FrameHeader.FLAG_MORE, PointManifest.FIXED, Integer.MAX_VALUE),
    /** Secondary to primary: point {@code sequence} is applied and recorded durably (argument = AckStatus). */
    POINT_ACK(0x71, 0, 0, 0);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final int allowedFlags;
    private final int minPayload;
    /** Integer.MAX_VALUE: bounded only by the decoder's configured frame limit. */
    private final int maxPayload;

    FrameType(int code, int allowedFlags, int minPayload, int maxPayload) {
        this.code = code;
        this.allowedFlags = allowedFlags;
        this.minPayload = minPayload;
        this.maxPayload = maxPayload;
    }

    public int code() {
        return code;
    }

    int allowedFlags() {
        return allowedFlags;
    }

    int minPayload() {
        return minPayload;
    }

    int maxPayload() {
        return maxPayload;
    }

    /** Null for a code no opcode has. */
    public static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
