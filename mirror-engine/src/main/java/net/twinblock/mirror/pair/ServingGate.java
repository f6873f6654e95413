package net.twinblock.mirror.pair;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Whether a node may serve hosts now, and why not. The role in a config file is a preference,
 * never permission (DESIGN section 8): a primary without a witness serves only once its partner
 * confirmed, at a handshake of every volume, that it holds no newer data, or an administrator
 * forced it; a primary with a witness serves while it holds the witness's lease or has its
 * secondary on every volume ({@link Quorum}). A secondary serves while linked to its primary.
 */
final class ServingGate {

    private static final Logger LOG = System.getLogger(ServingGate.class.getName());

    private final PairNode node;
    /** No witness: the partner confirmed this primary (or an administrator did). */
    private volatile boolean confirmed = true;
    /** An administrator promoted this node with --force: it serves whatever the witness says (their call). */
    private volatile boolean forced;

    ServingGate(PairNode node) {
        this.node = node;
    }

    /** At start: whether this node, a primary without a witness, must wait for its partner. */
    void start(boolean waitForPartner) {
        confirmed = !waitForPartner;
        if (waitForPartner) {
            LOG.log(Level.WARNING, "this node is configured primary but serves nothing until its partner at {0}"
                    + " confirms it holds no newer data (or an administrator runs promote --force)",
                    node.config().peer());
        }
    }

    /**
     * A secondary serves while its primary is linked on every volume it has (reads in sync, writes
     * forwarded); without it, it could serve neither and stands by.
     */
    NodeAccess access() {
        if (node.role() != Role.PRIMARY) {
            if (node.partnerConfirmedEveryVolume()) {
                return NodeAccess.SECONDARY;
            }
            Quorum q = node.quorum();
            return q != null && q.promotionLikely() ? NodeAccess.TRANSITIONING : NodeAccess.STANDBY;
        }
        Quorum q = node.quorum();
        boolean serves = q != null ? forced || q.leaseValid() || node.allVolumesLinked() : confirmed;
        return serves ? NodeAccess.PRIMARY : NodeAccess.UNAVAILABLE;
    }

    boolean serving() {
        return access().serving();
    }

    String notServing() {
        NodeAccess a = access();
        if (a.serving()) {
            return null;
        }
        Quorum q = node.quorum();
        if (a == NodeAccess.TRANSITIONING) {
            return "secondary whose primary is gone: the witness may promote it any moment (ALUA transitioning;"
                    + " reads and writes wait for it) (" + q.describe() + ")";
        }
        if (a == NodeAccess.STANDBY) {
            return "secondary without its primary: standing by (reads and writes refused) until the primary links"
                    + " again or this node is promoted" + (q == null ? "" : " (" + q.describe() + ")");
        }
        return q != null ? "this primary holds no lease at the witness and has no link to its secondary: it stops"
                + " serving so the secondary can take over (" + q.describe() + ")"
                : "configured primary, waiting for its partner at " + node.config().peer() + " to confirm it holds"
                + " no newer data (mirror.role is a preference); promote --force serves alone";
    }

    /** A primary waiting for its partner's confirmation, without a witness. */
    boolean waiting() {
        return node.role() == Role.PRIMARY && !confirmed && node.quorum() == null;
    }

    /**
     * A primary volume's handshake ended: once every volume linked (or was refused for a LUN the
     * partner does not have), the partner confirmed this primary.
     */
    void volumeLinked() {
        if (!confirmed && node.partnerConfirmedEveryVolume()) {
            confirmed = true;
            LOG.log(Level.INFO, "the partner confirmed it holds no newer data on any LUN: this primary serves");
            node.roles.changed(Role.PRIMARY); // ALUA leaves unavailable: hosts hear of it
        }
    }

    /** An administrator's promote --force of a waiting primary: serve without the partner's word. */
    void confirmByAdministrator() {
        LOG.log(Level.WARNING, "an administrator forced this primary to serve without its partner's confirmation");
        confirmed = true;
        node.roles.changed(Role.PRIMARY);
    }

    /** This node is no longer the primary: a later promotion is judged afresh. */
    void demoted() {
        forced = false;
        confirmed = true;
    }

    /** An administrator forced a promotion: the witness's lease no longer decides for this run. */
    void forced() {
        forced = true;
    }
}
