package io.kabuto.gateway.fix;

import io.kabuto.gateway.Participant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;

/**
 * Which FIX session belongs to which participant, and which of them are logged on now. Every
 * outgoing application message goes through {@link #send}.
 */
final class FixSessions {
  private static final Logger log = LoggerFactory.getLogger(FixSessions.class);

  /** SessionID -> participant, for every configured participant. */
  private final Map<SessionID, Participant> participants = new ConcurrentHashMap<>();
  /**
   * This acceptor's sessions. Sending goes to them, not through QuickFIX/J's static registry
   * ({@code Session.sendToTarget}), which holds one session per SessionID per JVM: two gateway
   * nodes in one JVM (tests) would send each other's messages.
   */
  private final Map<SessionID, Session> sessions = new ConcurrentHashMap<>();
  /** Participant id -> its session while logged on. */
  private final Map<Integer, SessionID> loggedOn = new ConcurrentHashMap<>();

  void configure(SessionID id, Participant p) {
    participants.put(id, p);
  }

  /** The participant of a configured session, or null. */
  Participant participant(SessionID id) {
    return participants.get(id);
  }

  void loggedOn(Participant p, SessionID id) {
    loggedOn.put(p.id(), id);
  }

  void loggedOut(Participant p, SessionID id) {
    loggedOn.remove(p.id(), id);
  }

  /** The participant's session while it is logged on, or null. */
  SessionID loggedOnSession(int participantId) {
    return loggedOn.get(participantId);
  }

  List<SessionID> loggedOnSessions() {
    return List.copyOf(loggedOn.values());
  }

  /** Once the acceptor created them: this acceptor's {@link Session}s. */
  void created(Iterable<Session> created) {
    for (Session s : created) {
      sessions.put(s.getSessionID(), s);
    }
  }

  void send(Message m, SessionID sid) {
    Session s = sessions.get(sid);
    if (s == null) {
      log.warn("FIX: no session {} for {}", sid, m.getClass().getSimpleName());
      return;
    }
    s.send(m);
  }
}
