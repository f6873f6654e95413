/**
 * Consistency points (DESIGN section 6): what the primary keeps between two points
 * ({@link net.twinblock.mirror.point.ChangedBlocks}) and the manifest it cuts from it, which names
 * blocks the secondary already journaled by reference instead of sending them again.
 */
package net.twinblock.mirror.point;
