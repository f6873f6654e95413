package net.twinblock.iscsi.config;

import java.util.List;

/**
 * Who may log in, and whether discovery sessions authenticate too.
 *
 * @param initiators    the initiators that may log in to the target, or null for anyone; the
 *                      others get "authorization failure" and see no target in SendTargets
 * @param discoveryChap discovery sessions must pass CHAP too, with the credentials that
 *                      initiator's normal sessions use
 * @param chapAlgorithms the CHAP hash functions an initiator may choose from (one at least);
 *                      limiting them to SHA-256 stops a man in the middle from striking it
 *                      out of the initiator's offer to force MD5
 */
public record AccessControl(List<InitiatorAcl> initiators, boolean discoveryChap,
                            List<ChapAlgorithm> chapAlgorithms) {

    /** Anyone may log in; discovery without authentication. */
    public static final AccessControl OPEN = new AccessControl(null, false);

    public AccessControl {
        initiators = initiators == null ? null : List.copyOf(initiators);
        chapAlgorithms = chapAlgorithms == null || chapAlgorithms.isEmpty() ? ChapAlgorithm.ALL
                : List.copyOf(chapAlgorithms);
    }

    /** With every CHAP algorithm allowed. */
    public AccessControl(List<InitiatorAcl> initiators, boolean discoveryChap) {
        this(initiators, discoveryChap, ChapAlgorithm.ALL);
    }

    /** True if {@code iqn} may log in to the target (and learn of it through discovery). */
    public boolean allows(String iqn) {
        return initiators == null || entry(iqn) != null;
    }

    /** The CHAP credentials {@code iqn} must log in with: its own entry's, else the target's. */
    public ChapConfig chapFor(String iqn, ChapConfig target) {
        InitiatorAcl e = entry(iqn);
        return e != null && e.chap().required() ? e.chap() : target;
    }

    private InitiatorAcl entry(String iqn) {
        if (initiators == null || iqn == null) {
            return null;
        }
        for (InitiatorAcl e : initiators) {
            // iSCSI names compare after stringprep folding, which lower-cases (RFC 3722).
            if (e.iqn().equalsIgnoreCase(iqn)) {
                return e;
            }
        }
        return null;
    }
}
