/**
 * Synchronous mirroring between the two nodes of a pair (DESIGN sections 3, 4, 7, 8).
 *
 * <p>What the server uses: {@link net.twinblock.mirror.pair.PairNode#start} with a
 * {@link net.twinblock.mirror.pair.PairConfig} and the local
 * {@link net.twinblock.mirror.store.FileVolume}; then {@code volume()} to export (stable across
 * promotion), {@code role()}, {@code state()} / {@code status()}, {@code metrics()},
 * {@code promote()}, {@code onRoleChange(...)} and {@code close()}. The record and the resync
 * bitmap arrive through {@link net.twinblock.mirror.pair.PairOptions}: a
 * {@link net.twinblock.mirror.record.PairRecord} (which supplies the primary's
 * {@link net.twinblock.mirror.record.WriteIntent} and the secondary's
 * {@link net.twinblock.mirror.record.ReadGate}) and a
 * {@link net.twinblock.mirror.resync.DivergenceTracker}; copies order against host writes with
 * {@code PairNode.ranges()}. Behind the facade each class does one job: docs/DESIGN.md section 2
 * names them.
 *
 * <p>The link, primary to secondary:
 * <pre>
 *  [TLS 1.3 with a certificate on each end, when configured: everything below runs inside it]
 *  PeerClient --HELLO(version, nonceP)-----------------------------------> PeerServer
 *             <-HELLO_ACK(nonceS, proof of the secondary)-----------------
 *             --HELLO_PROOF(proof of the primary, its identity)---------->
 *             <-HELLO_IDENTITY(the secondary's identity)-----------------
 *             --HELLO_DONE([discard order])------------------------------>  (only now: mirror frames)
 *             --SYNC_STATE(in sync | full copy follows)------------------>  recorded in &lt;volume&gt;.meta
 *             --WRITE | BEGIN,DATA..,END | DISCARD | FLUSH (by sequence)->  MirrorReceiver applies
 *             <-WRITE_ACK | FLUSH_ACK (any order)------------------------
 *             <-FORWARDED_WRITE | _DISCARD | _FLUSH (host I/O at the secondary)
 *             --FORWARDED_ACK (once on both nodes)----------------------->
 *             <-PEER_CALL-> either way, the embedder's opaque message (PeerCalls), each answered
 *             <-PEER_REPLY-> once the receiver acted on it (reservations, resets, forwarded commands)
 *             <-HEARTBEAT-> both ways; three periods of silence end the link
 * </pre>
 * Whether the secondary needs a full copy is decided at each link from the two identities
 * (paired, empty, clean, generation: {@link net.twinblock.mirror.pair.PairMetadata}) and the
 * divergence tracker, under the same lock that decides what a write does without a link.
 * Data generations that refuse the link (a split brain) stay refused until an administrator
 * names the losing node: {@code PairNode.resolve}, and for a losing secondary the primary's
 * discard order ({@code DiscardOrder}).
 */
package net.twinblock.mirror.pair;
