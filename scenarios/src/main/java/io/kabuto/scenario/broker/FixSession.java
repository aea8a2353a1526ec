package io.kabuto.scenario.broker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import quickfix.Application;
import quickfix.ConfigError;
import quickfix.FieldNotFound;
import quickfix.MemoryStoreFactory;
import quickfix.Message;
import quickfix.ScreenLogFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;
import quickfix.field.MsgType;
import quickfix.field.Password;
import quickfix.field.ResetSeqNumFlag;
import quickfix.field.TestReqID;

/**
 * A broker's FIX 4.4 session: a stock QuickFIX/J initiator logging on as the participant
 * (SenderCompID = its name, TargetCompID KABUTO, password in tag 554), configured with every
 * gateway's FIX acceptor so that QuickFIX/J's own failover moves it to the next gateway when the
 * connection drops. Sequence numbers are kept in memory for the run and never reset: after a
 * failover the gateways' replicated message store continues them and resends what was missed.
 */
final class FixSession implements Application {
  static final String TARGET = "KABUTO";
  /** Short, so that a gateway that stops answering (paused) is noticed within about 12 s. */
  static final int HEARTBEAT_SECONDS = 5;

  /** What the route hears from the session. */
  interface Listener {
    void onApp(Message m);

    void onHeartbeat(String testReqId);

    void onDisconnect();
  }

  private final SessionID sid;
  private final String password;
  private final Listener listener;
  private final SocketInitiator initiator;
  private final Object logonLock = new Object();
  private volatile boolean loggedOn;
  /** Until the first logon of this run has succeeded. */
  private volatile boolean firstLogon = true;

  /** @param gateways the acceptors in the order to try them (the first is connected to first) */
  FixSession(String sender, String password, List<GatewayAddress> gateways, Listener listener) {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("the topology has no node with role gateway: FIX brokers need one");
    }
    this.sid = new SessionID("FIX.4.4", sender, TARGET);
    this.password = password;
    this.listener = listener;
    SessionSettings s = new SessionSettings();
    s.setString("ConnectionType", "initiator");
    for (int i = 0; i < gateways.size(); i++) {
      String suffix = i == 0 ? "" : Integer.toString(i);
      s.setString("SocketConnectHost" + suffix, gateways.get(i).fixHost());
      s.setLong("SocketConnectPort" + suffix, gateways.get(i).fixPort());
    }
    s.setLong("HeartBtInt", HEARTBEAT_SECONDS);
    s.setLong("ReconnectInterval", 1);
    s.setString("StartTime", "00:00:00");
    s.setString("EndTime", "00:00:00");
    s.setString("NonStopSession", "Y");
    s.setString("UseDataDictionary", "Y");
    s.setString("DataDictionary", "FIX44.xml");
    s.setString("ResetOnLogon", "N");
    s.setString("ResetOnLogout", "N");
    s.setString("ResetOnDisconnect", "N");
    s.setString(sid, "BeginString", "FIX.4.4");
    s.setString(sid, "SenderCompID", sender);
    s.setString(sid, "TargetCompID", TARGET);
    try {
      initiator = new SocketInitiator(this, new MemoryStoreFactory(), s, new ScreenLogFactory(false, false, false),
          new quickfix.fix44.MessageFactory());
      initiator.start();
    } catch (ConfigError e) {
      throw new IllegalStateException("cannot start the FIX initiator of " + sender + ": " + e.getMessage(), e);
    }
  }

  boolean loggedOn() {
    return loggedOn;
  }

  /** Waits up to {@code d} for the session to be logged on; true if it is. */
  boolean awaitLogon(Duration d) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (logonLock) {
      while (!loggedOn) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        logonLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return true;
    }
  }

  /** The acceptor connected to, as {@code host:port}, or null. */
  String remote() {
    Session s = Session.lookupSession(sid);
    String r = s == null ? null : s.getRemoteAddress();
    return r == null ? null : r.startsWith("/") ? r.substring(1) : r;
  }

  /** False if the message could not be queued (not logged on). */
  boolean send(Message m) {
    try {
      return Session.sendToTarget(m, sid);
    } catch (SessionNotFound e) {
      return false;
    }
  }

  /** A TestRequest: the Heartbeat answering it comes after everything the gateway sent before. */
  void testRequest(String id) {
    Session s = Session.lookupSession(sid);
    if (s != null) {
      s.generateTestRequest(id);
    }
  }

  void stop() {
    initiator.stop(true);
  }

  @Override
  public void onCreate(SessionID sessionId) {}

  @Override
  public void onLogon(SessionID sessionId) {
    synchronized (logonLock) {
      firstLogon = false;
      loggedOn = true;
      logonLock.notifyAll();
    }
  }

  @Override
  public void onLogout(SessionID sessionId) {
    loggedOn = false;
    listener.onDisconnect();
  }

  @Override
  public void toAdmin(Message message, SessionID sessionId) {
    if (MsgType.LOGON.equals(type(message))) {
      message.setField(new Password(password));
      if (firstLogon) {
        // A run starts a new FIX day for its brokers: both sides begin again at 1, also when
        // the cluster (--attach) still holds the sequence numbers of an earlier run. Later
        // logons of the same run (a gateway failing over) keep the sequence, as a broker must.
        message.setField(new ResetSeqNumFlag(true));
      }
    }
  }

  @Override
  public void fromAdmin(Message message, SessionID sessionId) {
    if (MsgType.HEARTBEAT.equals(type(message)) && message.isSetField(TestReqID.FIELD)) {
      try {
        listener.onHeartbeat(message.getString(TestReqID.FIELD));
      } catch (FieldNotFound e) {
        // checked above
      }
    }
  }

  @Override
  public void toApp(Message message, SessionID sessionId) {}

  @Override
  public void fromApp(Message message, SessionID sessionId) {
    listener.onApp(message);
  }

  static String type(Message m) {
    try {
      return m.getHeader().getString(MsgType.FIELD);
    } catch (FieldNotFound e) {
      return "";
    }
  }
}
