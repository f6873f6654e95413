package net.twinblock.iscsi.reservation;

/**
 * A unit attention owed to the I_T nexuses a registration covers. Part of a
 * {@link ReservationChange}, so whichever node holds those nexuses can raise it.
 */
public record ReservationNotice(Registration to, ReservationEvent event) {
}
