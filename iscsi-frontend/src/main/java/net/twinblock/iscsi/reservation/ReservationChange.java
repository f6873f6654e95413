package net.twinblock.iscsi.reservation;

import java.util.List;
import java.util.Objects;

/**
 * One accepted change of an LU's reservation state: the state before and after, and the unit
 * attentions it owes. It takes effect (and the command that made it gets GOOD) only once
 * {@link ReservationStore#apply} completes.
 */
public record ReservationChange(int lun, ReservationState before, ReservationState after,
                                List<ReservationNotice> notices) {

    public ReservationChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        notices = List.copyOf(notices);
    }

    /** True if the persisted state (APTPL) changes, so the file must be rewritten. */
    public boolean persistentPartChanged() {
        return !before.persistentPart().equals(after.persistentPart());
    }
}
