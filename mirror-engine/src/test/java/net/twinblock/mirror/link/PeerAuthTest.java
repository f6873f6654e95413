package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.twinblock.mirror.link.PeerAuth.Role;
import org.junit.jupiter.api.Test;

class PeerAuthTest {

    private final PeerAuth auth = new PeerAuth("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    private final byte[] nonceP = PeerAuth.newNonce();
    private final byte[] nonceS = PeerAuth.newNonce();

    @Test
    void bothSidesProveWithTheSameSecret() {
        PeerAuth other = new PeerAuth("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
        byte[] secondaryProof = other.proof(Role.SECONDARY, nonceP, nonceS);
        assertEquals(32, secondaryProof.length);
        assertTrue(auth.verify(Role.SECONDARY, nonceP, nonceS, secondaryProof));
        assertTrue(other.verify(Role.PRIMARY, nonceP, nonceS, auth.proof(Role.PRIMARY, nonceP, nonceS)));
    }

    @Test
    void aDifferentSecretFails() {
        PeerAuth impostor = new PeerAuth("correct horse battery stapler".getBytes(StandardCharsets.UTF_8));
        assertFalse(auth.verify(Role.SECONDARY, nonceP, nonceS, impostor.proof(Role.SECONDARY, nonceP, nonceS)));
    }

    @Test
    void aProofCannotBeReflectedOrReplayed() {
        byte[] secondaryProof = auth.proof(Role.SECONDARY, nonceP, nonceS);
        assertFalse(auth.verify(Role.PRIMARY, nonceP, nonceS, secondaryProof), "reflected to the other role");
        assertFalse(auth.verify(Role.SECONDARY, PeerAuth.newNonce(), nonceS, secondaryProof), "replayed on a new challenge");
        byte[] tampered = secondaryProof.clone();
        tampered[31] ^= 1;
        assertFalse(auth.verify(Role.SECONDARY, nonceP, nonceS, tampered));
        assertFalse(auth.verify(Role.SECONDARY, nonceP, nonceS, Arrays.copyOf(secondaryProof, 16)));
    }

    @Test
    void noncesAreFreshAndAShortSecretIsRefused() {
        assertFalse(Arrays.equals(PeerAuth.newNonce(), PeerAuth.newNonce()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PeerAuth(new byte[15]));
        assertTrue(e.getMessage().contains("16 bytes"));
    }

    @Test
    void aStatementProofIsBoundToItsStatementAndHandshakeAndIsNoSidesProof() {
        byte[] statement = "discard b".getBytes(StandardCharsets.UTF_8);
        byte[] proof = auth.statementProof(nonceP, nonceS, statement);
        assertTrue(new PeerAuth("correct horse battery staple".getBytes(StandardCharsets.UTF_8))
                .verifyStatement(nonceP, nonceS, statement, proof));
        assertFalse(auth.verifyStatement(nonceP, nonceS, "discard a".getBytes(StandardCharsets.UTF_8), proof),
                "another statement");
        assertFalse(auth.verifyStatement(nonceP, PeerAuth.newNonce(), statement, proof), "replayed in another handshake");
        assertFalse(new PeerAuth("correct horse battery stapler".getBytes(StandardCharsets.UTF_8))
                .verifyStatement(nonceP, nonceS, statement, proof), "another secret");
        assertFalse(auth.verify(Role.PRIMARY, nonceP, nonceS, auth.statementProof(nonceP, nonceS, new byte[0])),
                "an empty statement's proof is not the primary's proof");
    }
}
