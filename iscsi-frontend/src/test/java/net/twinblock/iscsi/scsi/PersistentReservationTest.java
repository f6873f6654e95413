package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.reservation.PrType;
import net.twinblock.iscsi.reservation.ReservationChange;
import net.twinblock.iscsi.reservation.ReservationState;
import net.twinblock.iscsi.reservation.ReservationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PERSISTENT RESERVE IN/OUT service actions and types, and RESERVE/RELEASE, on one node. */
class PersistentReservationTest {

    static final Nexus A = ScsiHarness.NEXUS;
    static final Nexus B = new Nexus("iqn.2026-11.test:other", 0x23d000000002L, 1);
    static final Nexus C = new Nexus("iqn.2026-11.test:third", 0x23d000000003L, 1);
    /** Reads keys and reservations; never logged in, so no unit attention of the others is its. */
    static final Nexus OBSERVER = new Nexus("iqn.2026-11.test:observer", 0x23d000000009L, 1);
    static final long KEY_A = 0xaaaa0001L;
    static final long KEY_B = 0xbbbb0002L;

    static final int REGISTER = 0;
    static final int RESERVE = 1;
    static final int RELEASE = 2;
    static final int CLEAR = 3;
    static final int PREEMPT = 4;
    static final int PREEMPT_AND_ABORT = 5;
    static final int REGISTER_AND_IGNORE = 6;
    static final int REGISTER_AND_MOVE = 7;

    // ---- CDBs and parameter lists -------------------------------------------------------

    static byte[] proutCdb(int action, int type, int length) {
        byte[] c = cdb(0x5f, action, type, 0, 0, 0, 0, 0, 0, 0);
        Cdb.putInt(c, 5, length);
        return c;
    }

    static byte[] basic(long key, long sark, int flags) {
        byte[] p = new byte[24];
        Cdb.putLong(p, 0, key);
        Cdb.putLong(p, 8, sark);
        p[20] = (byte) flags;
        return p;
    }

    static ScsiHarness.Result prout(ScsiHarness h, Nexus n, int action, PrType type, long key, long sark, int flags) {
        byte[] p = basic(key, sark, flags);
        return h.run(n, 0, proutCdb(action, type == null ? 0 : type.code(), p.length), p.length, false, true, p);
    }

    static ScsiHarness.Result prin(ScsiHarness h, Nexus n, int action) {
        return h.run(n, 0, cdb(0x5e, action, 0, 0, 0, 0, 0, 0x10, 0, 0), 4096, true, false, null);
    }

    static ScsiHarness.Result read(ScsiHarness h, Nexus n) {
        return h.run(n, 0, rw10(0x28, 0, 0, 1), 512, true, false, null);
    }

    static ScsiHarness.Result write(ScsiHarness h, Nexus n) {
        return h.run(n, 0, rw10(0x2a, 0, 0, 1), 512, false, true, new byte[512]);
    }

    static ScsiHarness.Result tur(ScsiHarness h, Nexus n) {
        return h.run(n, 0, cdb(0, 0, 0, 0, 0, 0), 0, false, false, null);
    }

    static List<Long> keys(ScsiHarness h) {
        byte[] d = prin(h, OBSERVER, 0).assertGood().data();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < Cdb.u32(d, 4) / 8; i++) {
            keys.add(Cdb.u64(d, 8 + 8 * i));
        }
        return keys;
    }

    static void assertConflict(ScsiHarness.Result r) {
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, r.status());
        assertNull(r.sense());
    }

    static void assertUnitAttention(ScsiHarness h, Nexus n, AdditionalSense as) {
        tur(h, n).assertCheck(SenseKey.UNIT_ATTENTION, as);
    }

    static ScsiHarness harness() {
        return new ScsiHarness(512, 64);
    }

    /** Logs the nexuses in and clears their POWER ON unit attentions. */
    static void login(ScsiHarness h, Nexus... nexuses) {
        for (Nexus n : nexuses) {
            h.dispatcher.nexusAdded(n);
            tur(h, n);
        }
    }

    // ---- REGISTER, REGISTER AND IGNORE EXISTING KEY, READ KEYS --------------------------

    @Test
    void registerChangesAndRemovesKeysAndCountsGenerations() {
        try (ScsiHarness h = harness()) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            assertEquals(List.of(KEY_A), keys(h));
            assertConflict(prout(h, A, REGISTER, null, 0x1234, KEY_B, 0)); // wrong key
            assertConflict(prout(h, B, REGISTER, null, 0x1234, KEY_B, 0)); // unregistered with a key
            prout(h, B, REGISTER_AND_IGNORE, null, 0x1234, KEY_B, 0).assertGood();
            prout(h, A, REGISTER, null, KEY_A, 0x77, 0).assertGood(); // new key
            assertEquals(List.of(0x77L, KEY_B), keys(h));
            prout(h, A, REGISTER, null, 0x77, 0, 0).assertGood(); // unregister
            assertEquals(List.of(KEY_B), keys(h));
            assertEquals(4, Cdb.u32(prin(h, A, 0).data(), 0), "PRgeneration counts the four registrations");
            prout(h, C, REGISTER, null, 0, 0, 0).assertGood(); // unregistering the unregistered: no-op
            assertEquals(4, Cdb.u32(prin(h, A, 0).data(), 0));
        }
    }

    @Test
    void specIPtRegistersTheNamedPortsAndAllTgPtShowsInFullStatus() {
        try (ScsiHarness h = harness()) {
            byte[] tid = TransportIds.encode(new net.twinblock.iscsi.reservation.InitiatorPort(
                    B.initiatorName(), B.isid(), 1));
            byte[] p = new byte[28 + tid.length];
            System.arraycopy(basic(0, KEY_A, 0x08 | 0x04), 0, p, 0, 24);
            Cdb.putInt(p, 24, tid.length);
            System.arraycopy(tid, 0, p, 28, tid.length);
            h.run(A, 0, proutCdb(REGISTER, 0, p.length), p.length, false, true, p).assertGood();
            assertEquals(List.of(KEY_A, KEY_A), keys(h));
            prout(h, B, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_A, 0, 0).assertGood();

            byte[] full = prin(h, A, 3).assertGood().data();
            int first = 8;
            assertEquals(KEY_A, Cdb.u64(full, first));
            assertEquals(0x02, full[first + 12] & 0x03, "ALL_TG_PT, not the holder");
            int second = first + 24 + (int) Cdb.u32(full, first + 20);
            assertEquals(0x03, full[second + 12] & 0x03, "ALL_TG_PT and R_HOLDER");
            assertEquals(PrType.WRITE_EXCLUSIVE.code(), full[second + 13] & 0x0f);
            String name = new String(full, second + 28, B.initiatorPortName().length(), StandardCharsets.UTF_8);
            assertEquals(B.initiatorPortName(), name);
        }
    }

    @Test
    void registerAndIgnoreRefusesSpecIPtAndBadLengths() {
        try (ScsiHarness h = harness()) {
            ScsiHarness.Result r = prout(h, A, REGISTER_AND_IGNORE, null, 0, KEY_A, 0x08);
            r.assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
            byte[] shortList = new byte[23];
            h.run(A, 0, proutCdb(REGISTER, 0, 23), 23, false, true, shortList)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            assertEquals(List.of(), keys(h));
        }
    }

    // ---- RESERVE and access per type ----------------------------------------------------

    @ParameterizedTest
    @EnumSource(PrType.class)
    void eachTypeGrantsAndRefusesAccessAsSpc4Says(PrType type) {
        try (ScsiHarness h = harness()) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            assertConflict(prout(h, A, RESERVE, type, KEY_B, 0, 0)); // not A's key
            prout(h, A, RESERVE, type, KEY_A, 0, 0).assertGood();
            prout(h, A, RESERVE, type, KEY_A, 0, 0).assertGood(); // again, same type: GOOD

            byte[] rr = prin(h, B, 1).assertGood().data();
            assertEquals(16, Cdb.u32(rr, 4));
            assertEquals(type.allRegistrants() ? 0 : KEY_A, Cdb.u64(rr, 8));
            assertEquals(type.code(), rr[21] & 0x0f);

            read(h, A).assertGood();
            write(h, A).assertGood();
            boolean registrantsMay = type.registrantsMayAccess();
            check(read(h, B), registrantsMay || !type.exclusiveAccess());
            check(write(h, B), registrantsMay);
            check(read(h, C), !type.exclusiveAccess());
            check(write(h, C), false);
            tur(h, C).assertGood();
            h.run(C, 0, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8, true, false, null).assertGood();
            check(h.run(C, 0, cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, false, false, null), false);
            if (!type.allRegistrants()) {
                assertConflict(prout(h, B, RESERVE, type, KEY_B, 0, 0));
            }
            prout(h, A, RELEASE, type, KEY_A, 0, 0).assertGood();
            write(h, C).assertGood();
        }
    }

    private static void check(ScsiHarness.Result r, boolean allowed) {
        if (allowed) {
            r.assertGood();
        } else {
            assertConflict(r);
        }
    }

    @Test
    void badTypeOrScopeIsAnInvalidFieldInTheCdb() {
        try (ScsiHarness h = harness()) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            byte[] p = basic(KEY_A, 0, 0);
            h.run(A, 0, proutCdb(RESERVE, 0x02, 24), 24, false, true, p).assertInvalidField(2);
            h.run(A, 0, proutCdb(RESERVE, 0x21, 24), 24, false, true, p).assertInvalidField(2);
            h.run(A, 0, cdb(0x5e, 0x04, 0, 0, 0, 0, 0, 0x10, 0, 0), 4096, true, false, null).assertInvalidField(1);
        }
    }

    // ---- RELEASE, CLEAR, PREEMPT and the unit attentions --------------------------------

    @Test
    void releaseOfARegistrantsOnlyReservationTellsTheOtherRegistrants() {
        try (ScsiHarness h = harness()) {
            login(h, A, B, C);
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            prout(h, A, RESERVE, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, KEY_A, 0, 0).assertGood();
            prout(h, A, RELEASE, PrType.EXCLUSIVE_ACCESS, KEY_A, 0, 0)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
            prout(h, B, RELEASE, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, KEY_B, 0, 0).assertGood(); // not holder: no-op
            assertEquals(16, Cdb.u32(prin(h, A, 1).data(), 4), "still reserved");
            prout(h, A, RELEASE, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, KEY_A, 0, 0).assertGood();
            assertUnitAttention(h, B, AdditionalSense.RESERVATIONS_RELEASED);
            tur(h, A).assertGood();
            tur(h, C).assertGood();
            assertEquals(0, Cdb.u32(prin(h, A, 1).data(), 4), "released");
        }
    }

    @Test
    void clearDropsEverythingAndTellsTheOthers() {
        try (ScsiHarness h = harness()) {
            login(h, A, B);
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            prout(h, A, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_A, 0, 0).assertGood();
            assertConflict(prout(h, B, CLEAR, null, KEY_A, 0, 0));
            prout(h, B, CLEAR, null, KEY_B, 0, 0).assertGood();
            assertEquals(List.of(), keys(h));
            assertUnitAttention(h, A, AdditionalSense.RESERVATIONS_PREEMPTED);
            tur(h, B).assertGood();
        }
    }

    @Test
    void preemptTakesTheReservationAndRemovesTheHoldersRegistration() {
        for (int action : new int[] {PREEMPT, PREEMPT_AND_ABORT}) {
            try (ScsiHarness h = harness()) {
                login(h, A, B);
                prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
                prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
                prout(h, A, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_A, 0, 0).assertGood();
                prout(h, B, action, PrType.EXCLUSIVE_ACCESS, KEY_B, KEY_A, 0).assertGood();
                assertEquals(List.of(KEY_B), keys(h));
                byte[] rr = prin(h, B, 1).data();
                assertEquals(KEY_B, Cdb.u64(rr, 8));
                assertEquals(PrType.EXCLUSIVE_ACCESS.code(), rr[21] & 0x0f);
                assertUnitAttention(h, A, AdditionalSense.REGISTRATIONS_PREEMPTED);
                assertConflict(read(h, A));
                write(h, B).assertGood();
            }
        }
    }

    @Test
    void preemptAndAbortAbortsThePreemptedNexusesTasksBeforeGood() {
        try (ScsiHarness h = harness()) {
            List<java.util.function.Predicate<Nexus>> aborted = new ArrayList<>();
            h.dispatcher.abortTasksThrough((lun, of) -> {
                aborted.add(of);
                return CompletableFuture.completedFuture(null);
            });
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            prout(h, A, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_A, 0, 0).assertGood();
            prout(h, B, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_B, KEY_A, 0).assertGood();
            assertEquals(0, aborted.size(), "PREEMPT alone aborts nothing");
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, PREEMPT_AND_ABORT, PrType.WRITE_EXCLUSIVE, KEY_B, KEY_A, 0).assertGood();
            assertEquals(1, aborted.size());
            assertTrue(aborted.get(0).test(A), "A's tasks are aborted");
            assertTrue(!aborted.get(0).test(B) && !aborted.get(0).test(C), "nobody else's");
        }
    }

    @Test
    void preemptWithoutAReservationRemovesRegistrationsOnly() {
        try (ScsiHarness h = harness()) {
            login(h, A, B);
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            assertConflict(prout(h, B, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_B, 0x999, 0)); // no such key
            prout(h, B, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_B, 0, 0)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
            prout(h, B, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_B, KEY_A, 0).assertGood();
            assertEquals(List.of(KEY_B), keys(h));
            assertEquals(0, Cdb.u32(prin(h, B, 1).data(), 4), "no reservation was made");
            assertUnitAttention(h, A, AdditionalSense.REGISTRATIONS_PREEMPTED);
        }
    }

    @Test
    void preemptOfAnAllRegistrantsReservationWithKeyZeroRemovesEveryOtherRegistrant() {
        try (ScsiHarness h = harness()) {
            login(h, A, B, C);
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0).assertGood();
            prout(h, C, REGISTER, null, 0, 0x33, 0).assertGood();
            prout(h, A, RESERVE, PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, KEY_A, 0, 0).assertGood();
            prout(h, B, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_B, 0, 0).assertGood();
            assertEquals(List.of(KEY_B), keys(h));
            assertUnitAttention(h, A, AdditionalSense.REGISTRATIONS_PREEMPTED);
            assertUnitAttention(h, C, AdditionalSense.REGISTRATIONS_PREEMPTED);
            assertEquals(KEY_B, Cdb.u64(prin(h, B, 1).data(), 8));
        }
    }

    @Test
    void registerAndMoveHandsTheReservationToTheNamedPort() {
        try (ScsiHarness h = harness()) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            prout(h, A, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_A, 0, 0).assertGood();
            byte[] tid = TransportIds.encode(new net.twinblock.iscsi.reservation.InitiatorPort(
                    B.initiatorName(), B.isid(), 1));
            byte[] p = new byte[24 + tid.length];
            Cdb.putLong(p, 0, KEY_A);
            Cdb.putLong(p, 8, KEY_B);
            p[17] = 0x02; // UNREG
            Cdb.putShort(p, 18, 1);
            Cdb.putInt(p, 20, tid.length);
            System.arraycopy(tid, 0, p, 24, tid.length);
            h.run(A, 0, proutCdb(REGISTER_AND_MOVE, PrType.WRITE_EXCLUSIVE.code(), p.length), p.length, false, true, p)
                    .assertGood();
            assertEquals(List.of(KEY_B), keys(h));
            assertEquals(KEY_B, Cdb.u64(prin(h, A, 1).data(), 8));
            assertConflict(write(h, A));
            write(h, B).assertGood();
        }
    }

    @Test
    void reportCapabilitiesNamesEveryType() {
        try (ScsiHarness h = harness()) {
            byte[] caps = prin(h, A, 2).assertGood().data();
            assertEquals(8, Cdb.u16(caps, 0));
            assertEquals(0x1d, caps[2] & 0xff, "CRH, SIP_C, ATP_C, PTPL_C");
            assertEquals(0x80, caps[3] & 0x80, "TMV");
            assertEquals(0xea01, Cdb.u16(caps, 4));
            assertEquals(4, prin(h, A, 2).data().length > 4 ? 4 : 0);
            ScsiHarness.Result cut = h.run(A, 0, cdb(0x5e, 2, 0, 0, 0, 0, 0, 0, 4, 0), 4, true, false, null).assertGood();
            assertEquals(4, cut.data().length, "cut to the allocation length");
        }
    }

    // ---- APTPL --------------------------------------------------------------------------

    /** Keeps what a file would: the persistent part of the last change that touched it. */
    static final class RecordingStore implements ReservationStore {
        final List<ReservationChange> changes = new ArrayList<>();
        byte[] file;

        @Override
        public ReservationState initial(int lun) {
            return file == null ? ReservationState.EMPTY : ReservationState.decode(file).persistentPart();
        }

        @Override
        public synchronized CompletableFuture<Void> apply(ReservationChange change) {
            changes.add(change);
            if (change.persistentPartChanged()) {
                file = change.after().persistentPart().encode();
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aptplKeepsRegistrationsAndTheReservationForTheNextStart() {
        RecordingStore store = new RecordingStore();
        try (ScsiHarness h = new ScsiHarness(512, 64, true, null, store)) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0x01).assertGood(); // APTPL
            prout(h, A, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_A, 0, 0).assertGood();
            assertEquals(0x01, prin(h, A, 2).data()[3] & 0x01, "PTPL_A");
        }
        try (ScsiHarness h = new ScsiHarness(512, 64, true, null, store)) {
            assertEquals(List.of(KEY_A), keys(h));
            assertConflict(read(h, B));
            read(h, A).assertGood();
            prout(h, A, REGISTER, null, KEY_A, KEY_A, 0).assertGood(); // APTPL=0 from now on
        }
        try (ScsiHarness h = new ScsiHarness(512, 64, true, null, store)) {
            assertEquals(List.of(), keys(h), "without APTPL nothing survives");
        }
    }

    @Test
    void aFailedStoreFailsTheCommandAndChangesNothing() {
        ReservationStore failing = new ReservationStore() {
            @Override
            public ReservationState initial(int lun) {
                return ReservationState.EMPTY;
            }

            @Override
            public CompletableFuture<Void> apply(ReservationChange change) {
                return CompletableFuture.failedFuture(new net.twinblock.iscsi.lun.StorageException(
                        net.twinblock.iscsi.lun.StorageException.Kind.INTERNAL, "disk gone"));
            }
        };
        try (ScsiHarness h = new ScsiHarness(512, 64, true, null, failing)) {
            ScsiHarness.Result r = prout(h, A, REGISTER, null, 0, KEY_A, 0);
            assertEquals(ScsiStatus.CHECK_CONDITION, r.status());
            assertEquals(List.of(), keys(h));
        }
    }

    @Test
    void snapshotsSurviveEncoding() {
        RecordingStore store = new RecordingStore();
        try (ScsiHarness h = new ScsiHarness(512, 64, true, null, store)) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0x05).assertGood();
            prout(h, B, REGISTER, null, 0, KEY_B, 0x01).assertGood();
            prout(h, B, RESERVE, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, KEY_B, 0, 0).assertGood();
        }
        ReservationState last = store.changes.get(store.changes.size() - 1).after();
        assertEquals(last, ReservationState.decode(last.encode()));
        assertArrayEquals(last.encode(), ReservationState.decode(last.encode()).encode());
        assertTrue(last.registrations().get(0).allTargetPorts());
    }

    // ---- RESERVE / RELEASE (6) and (10) -------------------------------------------------

    @Test
    void reserve6HoldsTheLuForOneNexusUntilReleaseOrLogout() {
        try (ScsiHarness h = harness()) {
            h.run(A, 0, cdb(0x16, 0, 0, 0, 0, 0), 0, false, false, null).assertGood();
            assertConflict(read(h, B));
            assertConflict(tur(h, B));
            h.run(B, 0, ScsiHarness.inquiry(false, 0, 96), 96, true, false, null).assertGood();
            h.run(B, 0, cdb(0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), 256, true, false, null).assertGood(); // RTPG
            assertConflict(h.run(B, 0, cdb(0x16, 0, 0, 0, 0, 0), 0, false, false, null));
            assertConflict(prout(h, B, REGISTER, null, 0, KEY_B, 0));
            h.run(B, 0, cdb(0x17, 0, 0, 0, 0, 0), 0, false, false, null).assertGood(); // not B's: no-op
            write(h, A).assertGood();
            h.dispatcher.nexusRemoved(A);
            h.run(B, 0, cdb(0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, false, false, null).assertGood(); // RESERVE(10)
            assertConflict(read(h, A));
            h.dispatcher.lunReset(0, A);
            read(h, A).assertGood();
        }
    }

    @Test
    void reserve6ConflictsWithPersistentRegistrations() {
        try (ScsiHarness h = harness()) {
            prout(h, A, REGISTER, null, 0, KEY_A, 0).assertGood();
            assertConflict(h.run(A, 0, cdb(0x16, 0, 0, 0, 0, 0), 0, false, false, null));
            h.run(A, 0, cdb(0x17, 0, 0, 0, 0, 0), 0, false, false, null).assertGood();
            h.run(A, 0, cdb(0x16, 0x02, 0, 0, 0, 0), 0, false, false, null).assertInvalidField(1); // 3rd party
        }
    }
}
