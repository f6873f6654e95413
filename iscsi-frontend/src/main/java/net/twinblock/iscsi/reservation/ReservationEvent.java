package net.twinblock.iscsi.reservation;

/** The unit attentions a reservation change raises for other I_T nexuses (SPC-4 §5.13). */
public enum ReservationEvent {
    /** 2Ah/03h: the reservation was preempted, for registrants that stay registered. */
    RESERVATIONS_PREEMPTED,
    /** 2Ah/04h: RELEASE of a Registrants Only / All Registrants reservation, or CLEAR. */
    RESERVATIONS_RELEASED,
    /** 2Ah/05h: the nexus's registration was removed by PREEMPT or CLEAR. */
    REGISTRATIONS_PREEMPTED
}
