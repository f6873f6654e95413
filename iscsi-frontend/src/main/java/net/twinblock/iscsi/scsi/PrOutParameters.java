package net.twinblock.iscsi.scsi;

import java.util.List;
import net.twinblock.iscsi.reservation.InitiatorPort;

/**
 * A PERSISTENT RESERVE OUT parameter list, parsed and checked against its CDB (SPC-4 §6.15.3,
 * §6.15.4). Bad lengths are PARAMETER LIST LENGTH ERROR; bad fields INVALID FIELD IN PARAMETER LIST.
 *
 * @param key            RESERVATION KEY: the key the sender claims as its own
 * @param serviceActionKey SERVICE ACTION RESERVATION KEY: the new key, or the key to preempt
 * @param specIPt        SPEC_I_PT: also register the initiator ports in {@code ports}
 * @param allTargetPorts ALL_TG_PT: register through every target port
 * @param aptpl          APTPL: keep the state through power loss
 * @param unregister     REGISTER AND MOVE's UNREG: drop the sender's registration after the move
 * @param ports          SPEC_I_PT's ports, or REGISTER AND MOVE's one destination
 */
record PrOutParameters(long key, long serviceActionKey, boolean specIPt, boolean allTargetPorts, boolean aptpl,
                       boolean unregister, List<InitiatorPort> ports) {

    static final int BASIC_LENGTH = 24;

    static PrOutParameters parse(ScsiOpcode op, byte[] list, int relativePortId, boolean pairPorts) {
        if (list.length < BASIC_LENGTH) {
            throw lengthError();
        }
        long key = Cdb.u64(list, 0);
        long sark = Cdb.u64(list, 8);
        if (op == ScsiOpcode.PERSISTENT_RESERVE_OUT_REGISTER_AND_MOVE) {
            boolean unreg = Cdb.bit(list, 17, 1);
            boolean aptpl = Cdb.bit(list, 17, 0);
            int port = Cdb.u16(list, 18);
            if (port != relativePortId && !(pairPorts && (port == 1 || port == 2))) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(18, -1));
            }
            long tidLength = Cdb.u32(list, 20);
            if (tidLength < 24 || BASIC_LENGTH + tidLength != list.length) {
                throw lengthError();
            }
            InitiatorPort dest = TransportIds.decode(list, BASIC_LENGTH, port);
            return new PrOutParameters(key, sark, false, false, aptpl, unreg, List.of(dest));
        }
        int flags = Cdb.u8(list, 20);
        boolean specIPt = (flags & 0x08) != 0;
        boolean allTgPt = (flags & 0x04) != 0;
        boolean aptpl = (flags & 0x01) != 0;
        boolean registers = op == ScsiOpcode.PERSISTENT_RESERVE_OUT_REGISTER
                || op == ScsiOpcode.PERSISTENT_RESERVE_OUT_REGISTER_AND_IGNORE_EXISTING_KEY;
        if (!registers && (specIPt || allTgPt)) {
            // SPC-4: SPEC_I_PT and ALL_TG_PT mean something only to the register actions.
            throw new CheckCondition(SenseData.invalidFieldInParameterList(20, specIPt ? 3 : 2));
        }
        if (specIPt && op == ScsiOpcode.PERSISTENT_RESERVE_OUT_REGISTER_AND_IGNORE_EXISTING_KEY) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(20, 3));
        }
        if (!specIPt) {
            if (list.length != BASIC_LENGTH) {
                throw lengthError();
            }
            return new PrOutParameters(key, sark, false, allTgPt, aptpl, false, List.of());
        }
        if (list.length < BASIC_LENGTH + 4) {
            throw lengthError();
        }
        long tidLength = Cdb.u32(list, BASIC_LENGTH);
        if (BASIC_LENGTH + 4 + tidLength != list.length) {
            throw lengthError();
        }
        List<InitiatorPort> ports = TransportIds.decodeAll(list, BASIC_LENGTH + 4, (int) tidLength, relativePortId);
        return new PrOutParameters(key, sark, true, allTgPt, aptpl, false, ports);
    }

    private static CheckCondition lengthError() {
        return new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
    }
}
