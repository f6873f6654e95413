package net.twinblock.server.admin;

import java.util.List;

/**
 * This node's side of the pair as the admin endpoint shows it: what the node is (its role and
 * ALUA state, shared by every LUN: a node is primary for all its LUNs or for none), and each
 * mirrored LUN on its own ({@link MirrorSnapshot}).
 *
 * @param name       this node's name (node.name)
 * @param role       "primary" or "secondary"
 * @param state      the least healthy LUN's state (in_sync only when every LUN is)
 * @param peer       the partner's address while any LUN is linked, else null
 * @param peerName   the partner's name as it last introduced itself, or null
 * @param portGroup  this node's ALUA target port group
 * @param aluaState  this node's ALUA access state in lower case
 * @param onPeerLoss "suspend" or "continue"
 * @param luns       every mirrored LUN, ascending
 * @param notServing why this node serves no host I/O now (a primary waiting for its partner's
 *                   confirmation, or one without its secondary and the witness's lease); null while it serves
 * @param witness    the witness as this node sees it (reachable, epoch, primary, lease); null without one
 * @param witnessConnected whether this node reaches its witness now; null without one
 * @param quorum     quorum as this node sees it (the three, the lease, the witness's last word); null without a witness
 */
public record PairSnapshot(String name, String role, String state, String peer, String peerName, int portGroup,
                           String aluaState, String onPeerLoss, List<MirrorSnapshot> luns, String notServing,
                           String witness, Boolean witnessConnected, java.util.Map<String, Object> quorum) {
    public PairSnapshot {
        luns = List.copyOf(luns);
    }
}
