package io.kabuto.gateway.fix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import quickfix.Application;
import quickfix.FieldNotFound;
import quickfix.FileStoreFactory;
import quickfix.Message;
import quickfix.ScreenLogFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;
import quickfix.field.MsgType;
import quickfix.field.Password;

/** A stock QuickFIX/J initiator, configured as the README tells a broker to. */
final class FixClient implements Application, AutoCloseable {
  final SessionID sid;
  private final String password;
  private final SocketInitiator initiator;
  private final List<Message> received = new ArrayList<>();
  private final List<Message> sentAdmin = new ArrayList<>();
  private volatile CountDownLatch loggedOn = new CountDownLatch(1);
  private final CountDownLatch loggedOut = new CountDownLatch(1);

  FixClient(String sender, String password, int port, Path storeDir, boolean resetOnLogon)
      throws Exception {
    this(sender, password, storeDir, resetOnLogon, port);
  }

  /**
   * Several gateway ports: QuickFIX/J's own failover (SocketConnectPort, SocketConnectPort1...),
   * tried in turn on each reconnect.
   */
  FixClient(String sender, String password, Path storeDir, boolean resetOnLogon, int... ports)
      throws Exception {
    this.password = password;
    this.sid = new SessionID("FIX.4.4", sender, "KABUTO");
    SessionSettings s = new SessionSettings();
    s.setString("ConnectionType", "initiator");
    for (int i = 0; i < ports.length; i++) {
      String suffix = i == 0 ? "" : Integer.toString(i);
      s.setString("SocketConnectHost" + suffix, "127.0.0.1");
      s.setLong("SocketConnectPort" + suffix, ports[i]);
    }
    s.setLong("HeartBtInt", 30);
    s.setLong("ReconnectInterval", 1);
    s.setString("StartTime", "00:00:00");
    s.setString("EndTime", "00:00:00");
    s.setString("FileStorePath", storeDir.resolve(sender).toString());
    s.setString("UseDataDictionary", "Y");
    s.setString("DataDictionary", "FIX44.xml");
    s.setString("ResetOnLogon", resetOnLogon ? "Y" : "N");
    s.setString(sid, "BeginString", "FIX.4.4");
    s.setString(sid, "SenderCompID", sender);
    s.setString(sid, "TargetCompID", "KABUTO");
    initiator = new SocketInitiator(this, new FileStoreFactory(s), s, new ScreenLogFactory(
        Boolean.getBoolean("kabuto.fix.client-log"), false, Boolean.getBoolean("kabuto.fix.client-log")), new quickfix.fix44.MessageFactory());
    initiator.start();
  }

  /** Waits for the next logon from now on (after a disconnect). */
  void expectLogon() {
    loggedOn = new CountDownLatch(1);
  }

  Session session() {
    return Session.lookupSession(sid);
  }

  /** The session-level messages this client sent (Logon, ResendRequest...). */
  List<Message> sentAdmin() {
    synchronized (sentAdmin) {
      return List.copyOf(sentAdmin);
    }
  }

  /** Every message received so far, not consumed. */
  List<Message> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  boolean awaitLogon(Duration d) throws InterruptedException {
    return loggedOn.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean awaitLogout(Duration d) throws InterruptedException {
    return loggedOut.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  void send(Message m) throws Exception {
    if (!Session.sendToTarget(m, sid)) {
      throw new IllegalStateException("not sent: " + m);
    }
  }

  /** Waits for (and consumes) the first received message matching {@code p}. */
  Message await(Predicate<Message> p, Duration d) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    synchronized (received) {
      while (true) {
        for (int i = 0; i < received.size(); i++) {
          if (p.test(received.get(i))) {
            return received.remove(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching message in " + d + "; received: " + received);
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** No message matching {@code p} arrives within {@code d}. */
  boolean none(Predicate<Message> p, Duration d) throws InterruptedException {
    try {
      await(p, d);
      return false;
    } catch (AssertionError e) {
      return true;
    }
  }

  static Predicate<Message> type(String msgType) {
    return m -> msgType.equals(str(m.getHeader(), MsgType.FIELD));
  }

  static Predicate<Message> type(String msgType, int tag, String value) {
    return type(msgType).and(m -> value.equals(str(m, tag)));
  }

  static String str(quickfix.FieldMap m, int tag) {
    try {
      return m.isSetField(tag) ? m.getString(tag) : null;
    } catch (FieldNotFound e) {
      return null;
    }
  }

  private void add(Message m) {
    synchronized (received) {
      received.add(m);
      received.notifyAll();
    }
  }

  @Override
  public void onCreate(SessionID sessionId) {}

  @Override
  public void onLogon(SessionID sessionId) {
    loggedOn.countDown();
  }

  @Override
  public void onLogout(SessionID sessionId) {
    loggedOut.countDown();
  }

  @Override
  public void toAdmin(Message message, SessionID sessionId) {
    synchronized (sentAdmin) {
      sentAdmin.add((Message) message.clone());
    }
    if (MsgType.LOGON.equals(str(message.getHeader(), MsgType.FIELD))) {
      message.setField(new Password(password));
    }
  }

  @Override
  public void fromAdmin(Message message, SessionID sessionId) {
    add(message);
  }

  @Override
  public void toApp(Message message, SessionID sessionId) {}

  @Override
  public void fromApp(Message message, SessionID sessionId) {
    add(message);
  }

  @Override
  public void close() {
    initiator.stop(true);
  }
}
