package net.twinblock.iscsi.reservation;

/**
 * A unit attention owed to the I_T nexuses a registration covers. Part of a
 * {@link ReservationChange}, so whichever node holds those nexuses can raise it.
 */
public record ReservationNotice(Registration to, ReservationEvent event) {

    /** The registrations {@code notices} say were removed by PREEMPT or CLEAR (their nexuses get 2Ah/05h). */
    public static java.util.List<Registration> preempted(java.util.List<ReservationNotice> notices) {
        return notices.stream().filter(n -> n.event() == ReservationEvent.REGISTRATIONS_PREEMPTED)
                .map(ReservationNotice::to).toList();
    }
}
