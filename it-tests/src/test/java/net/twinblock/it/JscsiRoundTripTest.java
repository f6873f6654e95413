package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.it.client.PduTap;
import org.jscsi.initiator.Configuration;
import org.jscsi.initiator.Initiator;
import org.junit.jupiter.api.Test;

/**
 * The jSCSI initiator, an independent Java implementation of RFC 7143, writes distinct patterns over
 * the whole LUN (last block included) and reads them back. It talks to the node through a
 * {@link PduTap}, so a failure comes with the PDU exchange that explains it.
 */
class JscsiRoundTripTest {
    private static final String SESSION = "twinblock-it";
    private static final int BLOCK = 512;
    private static final long LUN_BLOCKS = 64L * 1024 * 1024 / BLOCK;

    @Test
    void writesPatternsAcrossTheLunAndReadsThemBack() throws Exception {
        try (NodeProcess node = NodeProcess.start(); PduTap tap = new PduTap(node.iscsiPort())) {
            Initiator initiator = new Initiator(configuration(node, tap.port()));
            try {
                initiator.createSession(SESSION);
            } catch (RuntimeException e) {
                throw new AssertionError("jSCSI could not open a session; exchange:\n" + transcript(tap), e);
            }
            try {
                assertEquals(BLOCK, initiator.getBlockSize(SESSION), () -> transcript(tap));
                // jSCSI reports READ CAPACITY(10)'s "returned LBA", i.e. the last block.
                assertEquals(LUN_BLOCKS - 1, initiator.getCapacity(SESSION), () -> transcript(tap));

                Map<Integer, byte[]> written = new LinkedHashMap<>();
                List<Integer> lbas = new ArrayList<>();
                for (long i = 0; i < 64; i++) {
                    lbas.add((int) (i * (LUN_BLOCKS / 64) + i));
                }
                lbas.add((int) (LUN_BLOCKS - 4));
                for (int lba : lbas) {
                    int blocks = lba == LUN_BLOCKS - 4 ? 4 : 1 + lba % 16;
                    byte[] data = LifecycleTest.pattern(lba, 99, blocks * BLOCK);
                    initiator.write(SESSION, ByteBuffer.wrap(data), lba, data.length);
                    written.put(lba, data);
                }
                for (Map.Entry<Integer, byte[]> w : written.entrySet()) {
                    ByteBuffer back = ByteBuffer.allocate(w.getValue().length);
                    initiator.read(SESSION, back, w.getKey(), back.capacity());
                    assertArrayEquals(w.getValue(), back.array(), "LBA " + w.getKey());
                }
            } finally {
                initiator.closeSession(SESSION);
            }
        }
    }

    /**
     * Our own jSCSI configuration naming only the node on loopback. jSCSI's Configuration.create()
     * would read src/main/resources/jscsi.xml, and the jscsi.xml inside its jar names targets on
     * other networks: neither is ever loaded. The schema is taken from the jar.
     */
    private static Configuration configuration(NodeProcess node, int port) throws Exception {
        Path dir = NodeProcess.newWorkDir("jscsi");
        Path schema = dir.resolve("jscsi.xsd");
        try (InputStream in = Configuration.class.getResourceAsStream("/jscsi.xsd")) {
            assertNotNull(in, "jscsi.xsd not found in the jSCSI initiator jar");
            Files.copy(in, schema);
        }
        String xml = """
                <?xml version="1.0" encoding="UTF-8" ?>
                <configuration xmlns="http://www.jscsi.org/2006-09"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.jscsi.org/2006-09 jscsi.xsd">
                  <global>
                    <AuthMethod>None</AuthMethod>
                    <DataDigest>None</DataDigest>
                    <DataPDUInOrder>Yes</DataPDUInOrder>
                    <DataSequenceInOrder>Yes</DataSequenceInOrder>
                    <DefaultTime2Retain>20</DefaultTime2Retain>
                    <DefaultTime2Wait>2</DefaultTime2Wait>
                    <ErrorRecoveryLevel>0</ErrorRecoveryLevel>
                    <FirstBurstLength>65536</FirstBurstLength>
                    <HeaderDigest>None</HeaderDigest>
                    <IFMarker>No</IFMarker>
                    <IFMarkInt>2048</IFMarkInt>
                    <ImmediateData>Yes</ImmediateData>
                    <InitialR2T>Yes</InitialR2T>
                    <InitiatorAlias>twinblock-it</InitiatorAlias>
                    <InitiatorName>iqn.2026-01.net.twinblock.it:jscsi</InitiatorName>
                    <MaxBurstLength>262144</MaxBurstLength>
                    <MaxConnections>1</MaxConnections>
                    <MaxOutstandingR2T>1</MaxOutstandingR2T>
                    <MaxRecvDataSegmentLength>8192</MaxRecvDataSegmentLength>
                    <OFMarker>No</OFMarker>
                    <OFMarkInt>2048</OFMarkInt>
                    <SessionType>Normal</SessionType>
                  </global>
                  <target id="SESSION" address="127.0.0.1" port="PORT">
                    <TargetName>IQN</TargetName>
                  </target>
                </configuration>
                """.replace("SESSION", SESSION).replace("PORT", Integer.toString(port)).replace("IQN", node.iqn());
        Path config = dir.resolve("jscsi-it.xml");
        Files.writeString(config, xml, StandardCharsets.UTF_8);
        return Configuration.create(schema.toFile(), config.toFile());
    }

    private static String transcript(PduTap tap) {
        return String.join("\n", tap.transcript());
    }
}
