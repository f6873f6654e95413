package net.twinblock.iscsi.login;

/**
 * How the login phase asks the session layer to admit a session. The session layer owns the
 * table of sessions; the login phase only negotiates.
 */
public interface SessionAdmission {

    /** Returned by {@link #admit} when the initiator named a TSIH we do not know. */
    int NO_SUCH_SESSION = -1;

    /** Returned by {@link #admit} when the login would replace a session of another identity. */
    int FOREIGN_IDENTITY = -2;

    /** Returned by {@link #admit} when the initiator already has as many sessions as it may. */
    int TOO_MANY_SESSIONS = -3;

    /**
     * Called once, when the login is about to succeed (the final response, T=1 NSG=3, is being
     * built). Returns the TSIH to put in that response.
     *
     * <p>{@code tsihFromInitiator == 0}: a new session. If a session with the same initiator
     * name and ISID exists, it is reinstated: the old one is closed (its connection dropped,
     * its tasks aborted) before this returns, as RFC 7143 §6.3.5 requires.
     * Non-zero: adding a connection to an existing session; we run MaxConnections=1, so this
     * returns {@link #NO_SUCH_SESSION} unless it names a live session (then the old connection
     * is replaced, connection reinstatement).
     *
     * <p>Either reinstatement is refused ({@link #FOREIGN_IDENTITY}) unless the old session was
     * opened by the same identity: else anyone who knows a host's IQN and ISID could close its
     * session.
     *
     * @param chapName the CHAP name the initiator proved, or null when it logged in without CHAP
     */
    int admit(String initiatorName, long isid, int tsihFromInitiator, SessionType type, String chapName);
}
