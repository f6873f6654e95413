package net.twinblock.mirror.link;

/**
 * A complete write as the secondary applies it, whichever way it arrived: a {@link SmallWrite} as
 * decoded (no second object for it) or a large write's {@link AssembledWrite}. Owns its data.
 */
public sealed interface MirroredWrite extends DataCarrier permits SmallWrite, AssembledWrite {

    /** The write's sequence number or transfer id: what its acknowledgement names. */
    int sequence();

    /** Byte offset on the volume. */
    long offset();

    boolean fua();

    /** Frames it took on the link. */
    int frames();
}
