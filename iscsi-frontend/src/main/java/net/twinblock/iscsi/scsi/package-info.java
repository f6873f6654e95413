/**
 * The SCSI device server (SPC-4, SBC-3) behind the iSCSI sessions: {@link
 * net.twinblock.iscsi.scsi.ScsiCommandDispatcher} routes each CDB to one handler per command
 * family after the checks every command shares (LUN, unit attention, ALUA access state,
 * software write protect) and turns every failure into CHECK CONDITION with fixed-format
 * sense data. Handlers never block: they validate the CDB at once and chain on the storage's
 * futures.
 *
 * <p>Choices an initiator can observe, kept consistent between what we advertise and do:
 * <ul>
 * <li>Residuals follow RFC 7143 §11.4.5 / FCP-4 as libiscsi 1.19 checks them: a WRITE whose
 *     EDTL is shorter than its CDB writes the whole blocks the EDTL covers and answers GOOD
 *     with the overflow; an EDTL ending inside a block is refused whole.
 * <li>WSNZ=1: WRITE SAME of 0 blocks is refused, never "to the end of the medium".
 * <li>WRITE SAME with UNMAP deallocates only when the block is all zeros (or NDOB), so the
 *     range always reads back as what was asked for.
 * <li>COMPARE AND WRITE only on a standalone node, where this layer sees every write.
 * <li>Mode parameters (SWP is the only changeable one) live in memory, per LU, on this
 *     node only.
 * </ul>
 */
package net.twinblock.iscsi.scsi;
