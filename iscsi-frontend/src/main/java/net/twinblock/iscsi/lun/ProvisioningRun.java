package net.twinblock.iscsi.lun;

/**
 * A run of blocks that are all mapped (backed by storage) or all deallocated (a hole that reads
 * as zeros), as GET LBA STATUS reports them (SBC-3).
 *
 * @param lba    first block of the run
 * @param blocks blocks in the run, more than zero
 * @param mapped true for mapped, false for deallocated
 */
public record ProvisioningRun(long lba, long blocks, boolean mapped) {

    public ProvisioningRun {
        if (lba < 0 || blocks <= 0) {
            throw new IllegalArgumentException("provisioning run " + lba + "+" + blocks);
        }
    }
}
