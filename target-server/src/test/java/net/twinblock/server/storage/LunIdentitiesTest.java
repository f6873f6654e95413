package net.twinblock.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.server.config.LunConfig;
import org.junit.jupiter.api.Test;

class LunIdentitiesTest {

    private static final String IQN = "iqn.2026-11.net.twinblock:vol0";

    @Test
    void sameTargetAndLunGiveTheSameIdentityOnEveryNodeAndRestart() {
        // Two independent derivations stand for the two nodes of a pair (or a restart).
        LunIdentity primary = LunIdentities.derive(IQN, 0);
        LunIdentity secondary = LunIdentities.derive(new String(IQN.toCharArray()), 0);
        assertArrayEquals(primary.naa(), secondary.naa());
        assertEquals(primary.serial(), secondary.serial());
    }

    @Test
    void theDerivationIsPinned() {
        // If this changes, every host sees every LUN as a new disk after an upgrade: never change it.
        LunIdentity id = LunIdentities.derive(IQN, 0);
        assertEquals("60274622293198480c35b68dfc6a0442", HexFormat.of().formatHex(id.naa()));
        assertEquals("TB2293198480C35B68", id.serial());
    }

    @Test
    void everyLunAndEveryTargetGetsItsOwnIdentity() {
        Set<String> naas = new HashSet<>();
        Set<String> serials = new HashSet<>();
        for (int lun = 0; lun < 256; lun++) {
            LunIdentity id = LunIdentities.derive(IQN, lun);
            assertTrue(naas.add(HexFormat.of().formatHex(id.naa())), "NAA repeats at LUN " + lun);
            assertTrue(serials.add(id.serial()), "serial repeats at LUN " + lun);
        }
        LunIdentity other = LunIdentities.derive("iqn.2026-11.net.twinblock:vol1", 0);
        assertFalse(Arrays.equals(LunIdentities.derive(IQN, 0).naa(), other.naa()));
    }

    @Test
    void naaIsType6WithTheLocallyAdministeredCompanyId() {
        byte[] naa = LunIdentities.derive(IQN, 42).naa();
        assertEquals(16, naa.length);
        assertEquals(0x6, (naa[0] & 0xf0) >>> 4, "NAA type 6: IEEE Registered Extended");
        int companyId = ((naa[0] & 0x0f) << 20) | ((naa[1] & 0xff) << 12) | ((naa[2] & 0xff) << 4)
                | ((naa[3] & 0xf0) >>> 4);
        assertEquals(LunIdentities.COMPANY_ID, companyId);
        assertEquals(0x02, (companyId >>> 16) & 0x02, "locally administered bit set: claims no vendor's OUI");
    }

    @Test
    void iscsiNamesCompareCaseInsensitively() {
        assertArrayEquals(LunIdentities.derive(IQN, 3).naa(),
                LunIdentities.derive("IQN.2026-11.Net.Twinblock:VOL0", 3).naa());
    }

    @Test
    void configOverridesWinOverTheDerivation() {
        byte[] naa = HexFormat.of().parseHex("6001405aaaaaaaaaaaaaaaaaaaaaaaaa");
        LunIdentity id = LunIdentities.of(IQN, new LunConfig(0, 1 << 20, 512, Path.of("/x"), "MIGRATED1", naa));
        assertArrayEquals(naa, id.naa());
        assertEquals("MIGRATED1", id.serial());
        LunIdentity derived = LunIdentities.of(IQN, new LunConfig(0, 1 << 20, 512, Path.of("/x"), null, null));
        assertArrayEquals(LunIdentities.derive(IQN, 0).naa(), derived.naa());
    }
}
