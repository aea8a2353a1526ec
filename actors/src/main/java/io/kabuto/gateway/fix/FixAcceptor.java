package io.kabuto.gateway.fix;

import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quickfix.Application;
import quickfix.ConfigError;
import quickfix.DoNotSend;
import quickfix.FieldNotFound;
import quickfix.FileStoreFactory;
import quickfix.IncorrectDataFormat;
import quickfix.IncorrectTagValue;
import quickfix.MessageStoreFactory;
import quickfix.Message;
import quickfix.RejectLogon;
import quickfix.SLF4JLogFactory;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.ThreadedSocketAcceptor;
import quickfix.UnsupportedMessageType;
import quickfix.field.MsgType;
import quickfix.field.Password;

/**
 * The FIX 4.4 acceptor of a gateway node (QuickFIX/J): one session per participant of {@code
 * kabuto.gateway.participants} (the broker's SenderCompID is the participant's name, its
 * TargetCompID {@code kabuto.gateway.fix.target-comp-id}, its password goes in tag 554 of the
 * Logon). This class owns the QuickFIX/J acceptor and the session lifecycle (logon check,
 * logon/logout); the application messages are handled by {@link OrderEntry}, the reports built
 * by {@link ExecutionReports}.
 *
 * <ul>
 *   <li>Sequence numbers and sent messages persist in a file store under {@code store-dir}, so a
 *       broker reconnecting after a restart resends and gets resends, without a sequence reset;
 *       with {@code message-store = cluster} (the default) the store is replicated to the
 *       cluster ({@link ClusterMessageStore}), so the broker can log on to any gateway node.
 *   <li>Every logged-on participant's FIX session subscribes to its {@link ParticipantSession}
 *       ({@link ExecutionListener}) and gets the executions it did not ask for.
 *   <li>TradingSessionStatus on logon and on every phase change and halt ({@link
 *       TradingSessionFeed}).
 *   <li>Malformed messages (unknown or user-defined tags, bad values, missing required fields)
 *       get a session-level Reject from QuickFIX/J's validation against the FIX 4.4 data
 *       dictionary; garbled ones (checksum, body length) are dropped, as FIX requires.
 *   <li>Logout or disconnect sends {@link ParticipantSession.Disconnected} (cancel-on-disconnect
 *       when the participant has it).
 * </ul>
 */
public final class FixAcceptor implements Application {

  private static final Logger log = LoggerFactory.getLogger(FixAcceptor.class);
  static final String BEGIN_STRING = "FIX.4.4";

  private final Gateway gateway;
  private final FixSettings settings;
  private final ThreadedSocketAcceptor acceptor;
  private final FixSessions sessions = new FixSessions();
  private final ActorSystem<?> system;
  private final ExecutionReports reports;
  private final OrderEntry orderEntry;
  private final TradingSessionStatuses statuses;
  /** Participant id -> its {@link ExecutionListener} while logged on. */
  private final Map<Integer, ActorRef<Object>> listeners = new ConcurrentHashMap<>();
  private final AtomicLong listenerNames = new AtomicLong();
  private ActorRef<Object> feed;
  /** The cluster-replicated message stores, or null with {@code message-store = file}. */
  private final ClusterMessageStoreFactory clusterStores;

  public FixAcceptor(ActorSystem<?> system) throws ConfigError {
    this.gateway = Gateway.get(system);
    this.settings = FixSettings.fromConfig(system.settings().config());
    this.system = system;
    this.reports = new ExecutionReports(sessions);
    this.orderEntry = new OrderEntry(system, sessions, reports);
    this.statuses = new TradingSessionStatuses(system, sessions);
    SessionSettings s = sessionSettings();
    try {
      Files.createDirectories(settings.storeDir());
    } catch (java.io.IOException e) {
      throw new ConfigError("cannot create kabuto.gateway.fix.store-dir " + settings.storeDir()
          + ": " + e);
    }
    MessageStoreFactory files = new FileStoreFactory(s);
    this.clusterStores = settings.messageStore() != FixSettings.MessageStoreKind.FILE
        ? new ClusterMessageStoreFactory(system, files, settings) : null;
    this.acceptor = new ThreadedSocketAcceptor(this, clusterStores != null ? clusterStores
        : files, s, new SLF4JLogFactory(s), new quickfix.fix44.MessageFactory());
  }

  private SessionSettings sessionSettings() {
    SessionSettings s = new SessionSettings();
    s.setString("ConnectionType", "acceptor");
    s.setString("BeginString", BEGIN_STRING);
    s.setString("SocketAcceptAddress", settings.hostname());
    s.setLong("SocketAcceptPort", settings.port());
    s.setString("StartTime", "00:00:00");
    s.setString("EndTime", "00:00:00");
    s.setString("NonStopSession", "Y");
    s.setString("FileStorePath", settings.storeDir().toString());
    s.setString("PersistMessages", "Y");
    s.setString("ResetOnLogon", "N");
    s.setString("ResetOnLogout", "N");
    s.setString("ResetOnDisconnect", "N");
    s.setString("RefreshOnLogon", "Y");
    s.setString("UseDataDictionary", "Y");
    s.setString("DataDictionary", "FIX44.xml");
    s.setString("ValidateUserDefinedFields", "Y");
    s.setString("AllowUnknownMsgFields", "N");
    s.setString("ValidateFieldsHaveValues", "Y");
    s.setString("ValidateFieldsOutOfOrder", "Y");
    s.setString("ValidateIncomingMessage", "Y");
    s.setString("RejectInvalidMessage", "Y");
    s.setString("CheckLatency", "Y");
    s.setLong("MaxLatency", Math.max(1, settings.maxLatency().toSeconds()));
    s.setLong("LogoutTimeout", Math.max(1, settings.logoutTimeout().toSeconds()));
    s.setString("SLF4JLogHeartbeats", "N");
    for (Participant p : gateway.settings().participants().values()) {
      SessionID id = new SessionID(BEGIN_STRING, settings.targetCompId(), p.name());
      sessions.configure(id, p);
      s.setString(id, "BeginString", BEGIN_STRING);
      s.setString(id, "SenderCompID", settings.targetCompId());
      s.setString(id, "TargetCompID", p.name());
    }
    return s;
  }

  public void start() throws ConfigError {
    feed = system.systemActorOf(TradingSessionFeed.create(statuses.listedSymbols(), statuses),
        "fix-trading-session-feed-" + listenerNames.incrementAndGet(), Props.empty());
    acceptor.start();
    sessions.created(acceptor.getManagedSessions());
    log.info("FIX 4.4 acceptor on {}:{} (TargetCompID {}), sessions for {}, store {}",
        settings.hostname(), settings.port(), settings.targetCompId(),
        gateway.settings().participants().keySet(), settings.storeDir());
  }

  public void stop() {
    acceptor.stop();
    if (clusterStores != null) {
      clusterStores.close(settings.clusterStore().askTimeout());
    }
    if (feed != null) {
      system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(feed));
    }
    log.info("FIX acceptor stopped");
  }

  public int port() {
    return settings.port();
  }

  // ================================================================ session callbacks

  @Override
  public void onCreate(SessionID sessionId) {}

  @Override
  public void onLogon(SessionID sessionId) {
    Participant p = sessions.participant(sessionId);
    if (p == null) {
      return;
    }
    sessions.loggedOn(p, sessionId);
    log.info("FIX: {} logged on", p.name());
    ActorRef<Object> listener = system.systemActorOf(ExecutionListener.create(p.id(),
        gateway.session(p), gateway.books(), reports),
        "fix-executions-" + p.id() + "-" + listenerNames.incrementAndGet(), Props.empty());
    ActorRef<Object> previous = listeners.put(p.id(), listener);
    if (previous != null) {
      previous.tell(ExecutionListener.STOP);
    }
    statuses.onLogon(sessionId);
  }

  @Override
  public void onLogout(SessionID sessionId) {
    Participant p = sessions.participant(sessionId);
    if (p == null) {
      return;
    }
    sessions.loggedOut(p, sessionId);
    ActorRef<Object> listener = listeners.remove(p.id());
    if (listener != null) {
      listener.tell(ExecutionListener.STOP);
    }
    log.info("FIX: {} logged out / disconnected", p.name());
    // Naming the listener (the session's subscriber for this connection) lets the session tell
    // whether another connection of the participant remains before it cancels on disconnect.
    @SuppressWarnings("unchecked")
    ActorRef<ParticipantSession.Reply> connection =
        listener == null ? null : (ActorRef<ParticipantSession.Reply>) (ActorRef<?>) listener;
    gateway.session(p).tell(new ParticipantSession.Disconnected(System.currentTimeMillis(),
        connection));
  }

  @Override
  public void toAdmin(Message message, SessionID sessionId) {}

  @Override
  public void fromAdmin(Message message, SessionID sessionId)
      throws FieldNotFound, IncorrectDataFormat, IncorrectTagValue, RejectLogon {
    if (MsgType.LOGON.equals(message.getHeader().getString(MsgType.FIELD))) {
      String password = message.isSetField(Password.FIELD) ? message.getString(Password.FIELD)
          : "";
      if (gateway.byLogon(sessionId.getTargetCompID(), password).isEmpty()) {
        log.warn("FIX: logon of {} refused: wrong password", sessionId.getTargetCompID());
        throw new RejectLogon("unknown SenderCompID or wrong password (tag 554)");
      }
    }
  }

  @Override
  public void toApp(Message message, SessionID sessionId) throws DoNotSend {}

  @Override
  public void fromApp(Message message, SessionID sessionId)
      throws FieldNotFound, IncorrectDataFormat, IncorrectTagValue, UnsupportedMessageType {
    orderEntry.crack(message, sessionId);
  }
}
