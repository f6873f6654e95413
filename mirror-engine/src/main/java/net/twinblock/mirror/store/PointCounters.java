package net.twinblock.mirror.store;

/**
 * What consistency points did on a secondary's volume: points applied and recorded, blocks applied
 * from the journal by reference, blocks the points carried whole, and referenced blocks a later
 * journal entry also wrote, rebuilt from the journal in order.
 */
public record PointCounters(long points, long blocksByReference, long blocksWhole, long blocksRebuilt) {
}
