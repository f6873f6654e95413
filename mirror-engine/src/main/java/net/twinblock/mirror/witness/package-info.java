/**
 * The witness: the third vote of a mirrored pair, a process with no volume that records which
 * node is primary in which generation and whether the other one is up to date, and grants the
 * primary a lease (DESIGN section 8, Witness). One witness serves many pairs, each bound to its key.
 *
 * <p>What a node uses: {@link net.twinblock.mirror.witness.WitnessClient} (non-blocking, one
 * {@link java.util.concurrent.CompletableFuture} of a {@link net.twinblock.mirror.witness.WitnessAnswer}
 * per call; a granted lease is a {@link net.twinblock.mirror.witness.WitnessLease} on the caller's
 * monotonic clock). What the server runs: {@link net.twinblock.mirror.witness.WitnessServer#start}
 * with {@link net.twinblock.mirror.witness.WitnessSettings}.
 *
 * <pre>
 *  WitnessClient --HELLO(version, nonceC)-----------------------> WitnessServer (WitnessHandshake)
 *                <-CHALLENGE(nonceW)----------------------------
 *                --PROOF(client's HMAC)------------------------->  tries each key (WitnessKeys)
 *                <-PROOF(witness's HMAC)------------------------   session bound to that key
 *                  (every frame from here on sealed both ways: FrameSeal)
 *  PendingCalls  --RENEW_LEASE | OUTDATE_PEER | ... (request id)-> WitnessSession
 *                <-REPLY(request id, verdict, state)-----------    Arbiter on the state thread,
 *                                                                   StateStore before the reply
 * </pre>
 * Frames: the peer link's header, one codec per message type ({@link
 * net.twinblock.mirror.witness.WitnessFrameType} names them), {@code WitnessFrameDecoder} and
 * {@code WitnessFrameEncoder}. Nothing here knows the pair package: the pair uses the client.
 */
package net.twinblock.mirror.witness;
