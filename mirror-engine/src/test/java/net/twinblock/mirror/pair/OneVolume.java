package net.twinblock.mirror.pair;

import java.util.List;
import java.util.function.Supplier;
import net.twinblock.mirror.link.PeerIdentity;

/** A secondary's volumes for handshake tests: volume 0 only. */
final class OneVolume implements SecondaryHandshake.Volumes {

    private final SecondaryHandshake.Endpoint endpoint;

    OneVolume(Supplier<PeerIdentity> local, LinkSide side, SecondaryHandshake.Slot slot) {
        this.endpoint = new SecondaryHandshake.Endpoint(local, side, slot);
    }

    static SecondaryHandshake handshake(net.twinblock.mirror.link.PeerAuth auth, Supplier<PeerIdentity> local,
            LinkSide side, SecondaryHandshake.Slot slot) {
        return new SecondaryHandshake(auth, new OneVolume(local, side, slot));
    }

    @Override
    public SecondaryHandshake.Endpoint find(int number) {
        return number == 0 ? endpoint : null;
    }

    @Override
    public List<Integer> numbers() {
        return List.of(0);
    }
}
