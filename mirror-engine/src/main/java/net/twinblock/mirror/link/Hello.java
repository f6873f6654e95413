package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The primary opens the link with a challenge: the protocol version and a fresh nonce the
 * secondary must prove the key over. Nothing about the primary: it names itself in HELLO_PROOF,
 * once the secondary has proven the key. {@code nonce} is null only in a HELLO of another
 * version, decoded as far as its version so that it can be refused by version.
 */
public record Hello(int version, byte[] nonce) implements PeerMessage {

    /** 3: identities only after the key is proven (HELLO_PROOF, HELLO_IDENTITY); 2 sent them in HELLO. */
    public static final int VERSION = 3;

    public Hello {
        HelloBody.checkVersion(version);
        if (nonce != null || version == VERSION) {
            HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO.code(), 0, 2 + (nonce == null ? 0 : HelloBody.NONCE_LENGTH), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeShort(version);
        if (nonce != null) {
            out.writeBytes(nonce);
        }
    }
}
