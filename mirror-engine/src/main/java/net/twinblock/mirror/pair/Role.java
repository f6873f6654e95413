package net.twinblock.mirror.pair;

/** What a node does in the pair. The primary owns the data; the secondary mirrors it and forwards writes. */
public enum Role {
    PRIMARY, SECONDARY
}
