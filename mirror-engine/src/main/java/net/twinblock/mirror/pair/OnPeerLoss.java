package net.twinblock.mirror.pair;

/** What the primary does with host writes while its secondary is unreachable. */
public enum OnPeerLoss {
    /**
     * Hold writes until the link returns, up to the suspend timeout, then fail them as retryable:
     * no write is ever acknowledged on one node only.
     */
    SUSPEND,
    /**
     * Keep serving from the primary alone ("DEGRADED") and remember what changed, so the
     * secondary can be brought back in sync later. Availability over redundancy.
     */
    CONTINUE
}
