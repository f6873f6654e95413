package net.twinblock.iscsi.scsi;

import java.util.ArrayList;
import java.util.List;
import net.twinblock.iscsi.reservation.InitiatorPort;
import net.twinblock.iscsi.reservation.PrType;
import net.twinblock.iscsi.reservation.Registration;
import net.twinblock.iscsi.reservation.ReservationEvent;
import net.twinblock.iscsi.reservation.ReservationNotice;
import net.twinblock.iscsi.reservation.ReservationState;
import net.twinblock.iscsi.scsi.LunReservations.Outcome;

/**
 * The PERSISTENT RESERVE OUT service actions as pure functions of the LU's state (SPC-4
 * §5.13): each returns the next state and the unit attentions owed, or throws
 * {@link ReservationConflict} / {@link CheckCondition}. No I/O here, so a pair can run the
 * same rules wherever a command lands.
 */
final class PrOutRules {

    private PrOutRules() {
    }

    static Outcome apply(ScsiOpcode op, ReservationState s, InitiatorPort nexus, PrType type, PrOutParameters p) {
        if (s.legacyHolder() != null && !s.legacyHolder().equals(nexus)) {
            throw ReservationConflict.INSTANCE; // another nexus's SPC-2 RESERVE (SPC-4 §5.13.3)
        }
        return switch (op) {
            case PERSISTENT_RESERVE_OUT_REGISTER -> register(s, nexus, p, false);
            case PERSISTENT_RESERVE_OUT_REGISTER_AND_IGNORE_EXISTING_KEY -> register(s, nexus, p, true);
            case PERSISTENT_RESERVE_OUT_RESERVE -> reserve(s, nexus, type, p);
            case PERSISTENT_RESERVE_OUT_RELEASE -> release(s, nexus, type, p);
            case PERSISTENT_RESERVE_OUT_CLEAR -> clear(s, nexus, p);
            case PERSISTENT_RESERVE_OUT_PREEMPT, PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT -> preempt(s, nexus, type, p);
            case PERSISTENT_RESERVE_OUT_REGISTER_AND_MOVE -> registerAndMove(s, nexus, p);
            default -> throw new IllegalStateException("not a PROUT service action: " + op);
        };
    }

    /** The sender's registration, checked against the key it claims; else RESERVATION CONFLICT. */
    private static Registration own(ReservationState s, InitiatorPort nexus, PrOutParameters p) {
        Registration r = s.registrationOf(nexus);
        if (r == null || r.key() != p.key()) {
            throw ReservationConflict.INSTANCE;
        }
        return r;
    }

    private static Outcome register(ReservationState s, InitiatorPort nexus, PrOutParameters p, boolean ignoreKey) {
        Registration r = s.registrationOf(nexus);
        if (r == null) {
            if (!ignoreKey && p.key() != 0) {
                throw ReservationConflict.INSTANCE;
            }
            if (p.serviceActionKey() == 0) {
                return Outcome.of(s); // unregistering an unregistered nexus: GOOD, nothing changes
            }
            List<Registration> regs = new ArrayList<>(s.registrations());
            regs.add(new Registration(p.serviceActionKey(), nexus, p.allTargetPorts()));
            for (InitiatorPort other : p.ports()) {
                Registration added = new Registration(p.serviceActionKey(), other, p.allTargetPorts());
                if (regs.stream().anyMatch(x -> x.covers(other) || added.covers(x.port()))) {
                    throw new CheckCondition(SenseData.invalidFieldInParameterList(PrOutParameters.BASIC_LENGTH + 4, -1));
                }
                regs.add(added);
            }
            return Outcome.of(s.withRegistrations(regs, true).withAptpl(p.aptpl()));
        }
        if (p.specIPt()) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(20, 3)); // only for new registrations
        }
        if (!ignoreKey && r.key() != p.key()) {
            throw ReservationConflict.INSTANCE;
        }
        List<Registration> regs = new ArrayList<>(s.registrations());
        int at = regs.indexOf(r);
        if (p.serviceActionKey() != 0) {
            Registration changed = r.withKey(p.serviceActionKey());
            regs.set(at, changed);
            ReservationState next = s.withRegistrations(regs, true).withAptpl(p.aptpl());
            if (r.equals(s.holder())) {
                next = next.withReservation(s.type(), changed);
            }
            return Outcome.of(next);
        }
        regs.remove(at);
        ReservationState next = s.withRegistrations(regs, true).withAptpl(p.aptpl());
        List<ReservationNotice> notices = new ArrayList<>();
        boolean holderLeaves = s.reserved() && (s.type().allRegistrants() ? regs.isEmpty() : r.equals(s.holder()));
        if (holderLeaves) {
            next = next.withReservation(null, null);
            // SPC-4 §5.13.11.2.2: a Registrants Only reservation released by unregistering tells the rest.
            if (s.type().registrantsMayAccess()) {
                regs.forEach(x -> notices.add(new ReservationNotice(x, ReservationEvent.RESERVATIONS_RELEASED)));
            }
        }
        return new Outcome(next, notices);
    }

    private static Outcome reserve(ReservationState s, InitiatorPort nexus, PrType type, PrOutParameters p) {
        Registration r = own(s, nexus, p);
        if (s.reserved()) {
            if (s.isHolder(nexus) && s.type() == type) {
                return Outcome.of(s);
            }
            throw ReservationConflict.INSTANCE;
        }
        return Outcome.of(s.withReservation(type, r));
    }

    private static Outcome release(ReservationState s, InitiatorPort nexus, PrType type, PrOutParameters p) {
        Registration r = own(s, nexus, p);
        if (!s.reserved() || !s.isHolder(nexus)) {
            return Outcome.of(s);
        }
        if (s.type() != type) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST,
                    AdditionalSense.INVALID_RELEASE_OF_PERSISTENT_RESERVATION));
        }
        List<ReservationNotice> notices = new ArrayList<>();
        if (type.registrantsMayAccess()) {
            for (Registration x : s.registrations()) {
                if (!x.equals(r)) {
                    notices.add(new ReservationNotice(x, ReservationEvent.RESERVATIONS_RELEASED));
                }
            }
        }
        return new Outcome(s.withReservation(null, null), notices);
    }

    private static Outcome clear(ReservationState s, InitiatorPort nexus, PrOutParameters p) {
        Registration r = own(s, nexus, p);
        List<ReservationNotice> notices = new ArrayList<>();
        for (Registration x : s.registrations()) {
            if (!x.equals(r)) {
                notices.add(new ReservationNotice(x, ReservationEvent.RESERVATIONS_PREEMPTED));
            }
        }
        return new Outcome(s.withReservation(null, null).withRegistrations(List.of(), true), notices);
    }

    private static Outcome preempt(ReservationState s, InitiatorPort nexus, PrType type, PrOutParameters p) {
        Registration r = own(s, nexus, p);
        long victim = p.serviceActionKey();
        boolean allRegistrants = s.reserved() && s.type().allRegistrants();
        boolean preemptsReservation = s.reserved() && (allRegistrants ? victim == 0 : victim == s.holder().key());
        if (!preemptsReservation && victim == 0) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(8, -1));
        }
        List<Registration> kept = new ArrayList<>();
        List<ReservationNotice> notices = new ArrayList<>();
        for (Registration x : s.registrations()) {
            boolean removed = !x.equals(r) && (allRegistrants && victim == 0 || x.key() == victim);
            if (removed) {
                notices.add(new ReservationNotice(x, ReservationEvent.REGISTRATIONS_PREEMPTED));
            } else {
                kept.add(x);
            }
        }
        if (!preemptsReservation) {
            if (notices.isEmpty()) {
                throw ReservationConflict.INSTANCE; // SPC-4 §5.13.11.4.4: no registration had that key
            }
            return new Outcome(s.withRegistrations(kept, true), notices);
        }
        if (s.type() != type) {
            for (Registration x : kept) {
                if (!x.equals(r)) {
                    notices.add(new ReservationNotice(x, ReservationEvent.RESERVATIONS_RELEASED));
                }
            }
        }
        return new Outcome(s.withRegistrations(kept, true).withReservation(type, r), notices);
    }

    private static Outcome registerAndMove(ReservationState s, InitiatorPort nexus, PrOutParameters p) {
        Registration r = own(s, nexus, p);
        if (!s.reserved() || s.type().allRegistrants() || !r.equals(s.holder())) {
            throw ReservationConflict.INSTANCE;
        }
        if (p.serviceActionKey() == 0) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(8, -1));
        }
        InitiatorPort dest = p.ports().get(0);
        if (r.covers(dest)) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(PrOutParameters.BASIC_LENGTH, -1));
        }
        List<Registration> regs = new ArrayList<>(s.registrations());
        Registration existing = s.registrationOf(dest);
        Registration moved = existing == null ? new Registration(p.serviceActionKey(), dest, false)
                : existing.withKey(p.serviceActionKey());
        if (existing == null) {
            regs.add(moved);
        } else {
            regs.set(regs.indexOf(existing), moved);
        }
        if (p.unregister()) {
            regs.remove(r);
        }
        return Outcome.of(s.withRegistrations(regs, true).withReservation(s.type(), moved).withAptpl(p.aptpl()));
    }
}
