package net.twinblock.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RFC 7143 §6.2 result functions, key by key: offered, ours -> answer, value in force. */
class KeyNegotiationTest {

    @ParameterizedTest(name = "{0}: offered {1}, ours {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // list: the first of the originator's values that we support
        "HeaderDigest | CRC32C,None | CRC32C,None | CRC32C | CRC32C",
        "HeaderDigest | None,CRC32C | CRC32C,None | None | None",
        "DataDigest | MD5,CRC32C | CRC32C,None | CRC32C | CRC32C",
        "DataDigest | MD5 | CRC32C,None | Reject | null",
        "TaskReporting | FastAbort,RFC3720 | RFC3720 | RFC3720 | RFC3720",
        // boolean OR / AND
        "InitialR2T | Yes | No | Yes | Yes",
        "InitialR2T | No | No | No | No",
        "DataPDUInOrder | No | Yes | Yes | Yes",
        "ImmediateData | Yes | Yes | Yes | Yes",
        "ImmediateData | No | Yes | No | No",
        "IFMarker | Yes | No | No | No",
        "ImmediateData | yes | Yes | Reject | null",
        // numerical min / max, with range checks
        "MaxBurstLength | 16776192 | 1048576 | 1048576 | 1048576",
        "MaxBurstLength | 65536 | 1048576 | 65536 | 65536",
        "MaxBurstLength | 0x10000 | 1048576 | 65536 | 65536",
        "MaxBurstLength | 511 | 1048576 | Reject | null",
        "MaxBurstLength | 16777216 | 1048576 | Reject | null",
        "FirstBurstLength | abc | 262144 | Reject | null",
        "MaxConnections | 8 | 1 | 1 | 1",
        "MaxConnections | 0 | 1 | Reject | null",
        "MaxOutstandingR2T | 16 | 8 | 8 | 8",
        "ErrorRecoveryLevel | 2 | 0 | 0 | 0",
        "ErrorRecoveryLevel | 3 | 0 | Reject | null",
        "DefaultTime2Wait | 10 | 2 | 10 | 10",
        "DefaultTime2Wait | 0 | 2 | 2 | 2",
        "DefaultTime2Retain | 0 | 20 | 0 | 0",
        "DefaultTime2Retain | 3601 | 20 | Reject | null",
        "DefaultTime2Retain | -1 | 20 | Reject | null",
        // declarative: no answer, the declared value is in force
        "MaxRecvDataSegmentLength | 32768 | 262144 | null | 32768",
        "MaxRecvDataSegmentLength | 100 | 262144 | Reject | null",
        // obsolete marker intervals
        "OFMarkInt | 2048 | null | Reject | null",
    })
    void resultFunctions(String key, String offered, String ours, String answer, String result) {
        KeyNegotiation.Outcome o = KeyNegotiation.answer(LoginKey.of(key), offered, ours);
        assertEquals(answer, o.answer(), "answer");
        assertEquals(result, o.result(), "value in force");
    }
}
