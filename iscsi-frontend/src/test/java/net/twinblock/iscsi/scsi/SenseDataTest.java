package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SenseDataTest {

    @Test
    void fixedFormatWithFieldPointer() {
        byte[] s = SenseData.invalidFieldInCdb(7, 3).toFixed();
        assertEquals(18, s.length);
        assertEquals(0x70, s[0]);
        assertEquals(0x05, s[2]);
        assertEquals(10, s[7]);
        assertEquals(0x24, s[12]);
        assertEquals(0x00, s[13]);
        assertEquals(0x80 | 0x40 | 0x08 | 3, s[15] & 0xff, "SKSV, C/D, BPV, bit 3");
        assertEquals(7, Cdb.u16(s, 16));
    }

    @Test
    void parameterListPointerHasCdZero() {
        byte[] s = SenseData.invalidFieldInParameterList(24, -1).toFixed();
        assertEquals(0x80, s[15] & 0xff);
        assertEquals(24, Cdb.u16(s, 16));
    }

    @Test
    void informationFieldSetsValid() {
        byte[] s = SenseData.of(SenseKey.MISCOMPARE, AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION)
                .withInformation(0x1234).toFixed();
        assertEquals(0xf0, s[0] & 0xff);
        assertEquals(0x1234, Cdb.u32(s, 3));
        assertEquals(0x0e, s[2]);
        byte[] noInfo = SenseData.lbaOutOfRange().toFixed();
        assertEquals(0x70, noInfo[0]);
        assertEquals(0, noInfo[15], "no SKSV");
    }

    @Test
    void descriptorFormat() {
        byte[] d = SenseData.invalidFieldInCdb(2, -1).withInformation(9).toDescriptor();
        assertEquals(0x72, d[0]);
        assertEquals(0x05, d[1]);
        assertEquals(0x24, d[2]);
        assertEquals(d.length - 8, d[7]);
        assertEquals(0x00, d[8], "information descriptor");
        assertEquals(9, Cdb.u64(d, 12));
        assertEquals(0x02, d[20], "sense key specific descriptor");
        assertEquals(0xc0, d[24] & 0xff);
        assertEquals(2, Cdb.u16(d, 25));
    }
}
