package net.twinblock.mirror.witness;

/**
 * Witness frame types (the header's opcode byte), each with the one codec that reads and writes
 * its body and the payload lengths it may have; the decoder refuses anything else before reading
 * a payload byte. The codes (0x81 and up) are not the peer link's: a node that dials the
 * witness's port by mistake, or a witness client that dials a node's mirror port, is refused at
 * the first frame with "unknown opcode" instead of being half understood.
 */
public enum WitnessFrameType {
    /** Client to witness: protocol version (argument) and the client's nonce. */
    HELLO(0x81, HelloCodec.INSTANCE, HelloCodec.LENGTH, HelloCodec.LENGTH),
    /** Witness to client: the witness's nonce, and nothing else until the client proved its key. */
    CHALLENGE(0x82, MacSizedCodec.CHALLENGE, MacSizedCodec.LENGTH, MacSizedCodec.LENGTH),
    /** Both ways: an HMAC over both nonces; the client's first, the witness's only after it. */
    PROOF(0x83, MacSizedCodec.PROOF, MacSizedCodec.LENGTH, MacSizedCodec.LENGTH),
    /** Fatal: the sender closes after it. Argument: {@link WitnessErrorCode}; payload: UTF-8 text for the log. */
    ERROR(0x84, WitnessErrorCodec.INSTANCE, 0, WitnessError.MAX_MESSAGE_BYTES),

    /** The recorded primary asks for (or, for a pair the witness does not know yet, founds) its lease. */
    RENEW_LEASE(0x90, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),
    /** The primary asks the witness to record durably that its peer is outdated. */
    OUTDATE_PEER(0x91, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),
    /** The primary says its peer is in sync again. */
    MARK_PEER_UP_TO_DATE(0x92, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),
    /** The node that is not primary asks to become primary. */
    REQUEST_PROMOTION(0x93, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),
    /** An administrator's promote --force: the requester becomes primary whatever the lease says. */
    FORCE_PROMOTE(0x94, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),
    /** The pair's state and lease as the witness sees them. */
    QUERY(0x95, PairRequestCodec.INSTANCE, PairRequestCodec.MIN, PairRequestCodec.MAX),

    /** Witness to client: the answer to request {@code sequence}. */
    REPLY(0xa0, PairReplyCodec.INSTANCE, PairReplyCodec.MIN, PairReplyCodec.MAX);

    private static final WitnessFrameType[] BY_CODE = new WitnessFrameType[256];

    static {
        for (WitnessFrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final WitnessCodec<?> codec;
    private final int minPayload;
    private final int maxPayload;

    WitnessFrameType(int code, WitnessCodec<?> codec, int minPayload, int maxPayload) {
        this.code = code;
        this.codec = codec;
        this.minPayload = minPayload;
        this.maxPayload = maxPayload;
    }

    public int code() {
        return code;
    }

    int minPayload() {
        return minPayload;
    }

    int maxPayload() {
        return maxPayload;
    }

    /** One of the six pair requests (answered by a REPLY), not a handshake frame. */
    public boolean isRequest() {
        return codec == PairRequestCodec.INSTANCE;
    }

    @SuppressWarnings("unchecked")
    <M extends WitnessMessage> WitnessCodec<M> codec() {
        return (WitnessCodec<M>) codec;
    }

    /** Null for a code no frame type has. */
    public static WitnessFrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
