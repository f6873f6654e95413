package net.twinblock.iscsi.reservation;

import java.util.Objects;

/**
 * One registered I_T nexus and its reservation key. With ALL_TG_PT it stands for the
 * initiator port through every target port of the device (on a pair: both nodes').
 */
public record Registration(long key, InitiatorPort port, boolean allTargetPorts) {

    public Registration {
        Objects.requireNonNull(port, "port");
    }

    /** True if commands from {@code nexus} act under this registration. */
    public boolean covers(InitiatorPort nexus) {
        return port.sameInitiatorPort(nexus) && (allTargetPorts || port.relativePortId() == nexus.relativePortId());
    }

    public Registration withKey(long newKey) {
        return new Registration(newKey, port, allTargetPorts);
    }
}
