package io.kabuto.bench.orders;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One FIX 4.4 session of a load client, as a broker's order-entry connection: logs on as a
 * participant, sends NewOrderSingle and OrderCancelRequest when the client's schedule says so,
 * and on its own reader thread matches each answer to its request by ClOrdID, recording the
 * latency from the request's <em>intended</em> send time (so a stall of the exchange counts
 * against it even while the client could not send: no coordinated omission).
 *
 * <p>It also tracks its resting orders (from the ExecutionReports, including unsolicited fills)
 * to have something to cancel. All state is guarded by {@code this}.
 */
final class LoadSession {
  static final String TARGET_COMP_ID = "KABUTO";
  static final int HEARTBEAT_SECONDS = 30;

  final String name;
  private final String password;
  private final InetSocketAddress gateway;
  private final byte[] sender;
  private final byte[] target = TARGET_COMP_ID.getBytes(StandardCharsets.US_ASCII);
  private final FixWriter w = new FixWriter();
  private final OrderMix mix;
  private final OrderMix.Next next = new OrderMix.Next();

  private Socket socket;
  private OutputStream out;
  private Thread reader;
  private final CountDownLatch loggedOn = new CountDownLatch(1);
  private volatile String logonProblem;
  private volatile boolean closing;
  private long seq = 1;
  private long lastSentNanos;
  private long nextClOrd = 1;

  /** A request waiting for its first answer. */
  private record Pending(long intendedNanos, int step, boolean cancel) {}

  /** A resting order of this session: enough to cancel it. */
  private record Resting(int symbol, boolean buy, long qty) {}

  private final Map<Long, Pending> pending = new HashMap<>();
  private final LinkedHashMap<Long, Resting> resting = new LinkedHashMap<>();
  /** New orders not answered yet: what they were, to know what rests once they are accepted. */
  private final Map<Long, Resting> sentOrders = new HashMap<>();
  /** Stats of the current step (answers arrive on the reader thread). */
  private StepStats stats = new StepStats();
  private int step = -1;
  private long stepEndNanos = Long.MAX_VALUE;

  LoadSession(String name, String password, InetSocketAddress gateway, OrderMix mix) {
    this.name = name;
    this.password = password;
    this.gateway = gateway;
    this.sender = name.getBytes(StandardCharsets.US_ASCII);
    this.mix = mix;
  }

  /** Connects and logs on; throws with the reason when the gateway refuses or does not answer. */
  void logon(long timeoutMillis) throws IOException, InterruptedException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(gateway, (int) timeoutMillis);
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    InputStream in = socket.getInputStream();
    reader = new Thread(() -> readLoop(in), "fix-" + name);
    reader.setDaemon(true);
    reader.start();
    synchronized (this) {
      w.begin("A", sender, target, seq++).field(98, 0L).field(108, (long) HEARTBEAT_SECONDS)
          .field(141, 'Y').field(554, password).finish();
      write();
      out.flush();
    }
    if (!loggedOn.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new IOException(name + ": no Logon answer from " + gateway + " within "
          + timeoutMillis + " ms" + (logonProblem == null ? "" : " (" + logonProblem + ")"));
    }
    if (logonProblem != null) {
      throw new IOException(name + ": logon to " + gateway + " refused: " + logonProblem);
    }
  }

  /** Starts a step: answers to this step's requests count in a fresh {@link StepStats}. */
  synchronized void startStep(int step, long endNanos) {
    this.step = step;
    this.stats = new StepStats();
    this.stepEndNanos = endNanos;
  }

  /**
   * Sends the next message of the mix (into the buffer; {@link #flush} sends it).
   *
   * @return true for a new order, false for a cancel
   */
  synchronized boolean send(long intendedNanos) throws IOException {
    mix.next(resting.size(), next);
    long id = nextClOrd++;
    if (next.cancel) {
      Iterator<Map.Entry<Long, Resting>> it = resting.entrySet().iterator();
      Map.Entry<Long, Resting> oldest = it.next();
      it.remove();
      Resting r = oldest.getValue();
      OrderMix.Quoted q = mix.symbol(r.symbol());
      w.begin("F", sender, target, seq++).clOrdId(41, 'N', oldest.getKey()).clOrdId(11, 'X', id)
          .field(55, q.symbol).field(54, r.buy() ? '1' : '2').now(60).field(38, r.qty()).finish();
    } else {
      OrderMix.Quoted q = mix.symbol(next.symbol);
      w.begin("D", sender, target, seq++).clOrdId(11, 'N', id).field(55, q.symbol)
          .field(54, next.buy ? '1' : '2').now(60).field(38, next.qty).field(40, '2')
          .field(44, q.prices[next.priceIndex]).field(59, '0').finish();
      sentOrders.put(id, new Resting(next.symbol, next.buy, next.qty));
    }
    pending.put(id, new Pending(intendedNanos, step, next.cancel));
    write();
    return !next.cancel;
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  /** A Heartbeat when nothing was sent for a while, so the gateway does not test us. */
  synchronized void heartbeatIfIdle(long nowNanos) {
    if (closing || out == null || nowNanos - lastSentNanos < TimeUnit.SECONDS.toNanos(HEARTBEAT_SECONDS / 3)) {
      return;
    }
    try {
      w.begin("0", sender, target, seq++).finish();
      write();
      out.flush();
    } catch (IOException e) {
      lost("heartbeat: " + e.getMessage());
    }
  }

  /** Requests of the step still unanswered: counted as timeouts and forgotten. */
  synchronized StepStats finishStep(int step) {
    for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Pending> p = it.next();
      if (p.getValue().step() == step) {
        it.remove();
        sentOrders.remove(p.getKey());
        stats.timeouts++;
      }
    }
    if (stats.timeouts > 0) {
      stats.error(name + ": " + stats.timeouts + " requests unanswered at the end of the drain");
    }
    StepStats s = stats;
    stats = new StepStats();
    this.step = -1;
    return s;
  }

  synchronized int pendingOf(int step) {
    int n = 0;
    for (Pending p : pending.values()) {
      if (p.step() == step) {
        n++;
      }
    }
    return n;
  }

  void logout() {
    closing = true;
    synchronized (this) {
      try {
        if (out != null) {
          w.begin("5", sender, target, seq++).finish();
          write();
          out.flush();
        }
      } catch (IOException e) {
        // going away anyway
      }
    }
    try {
      if (reader != null) {
        reader.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void write() throws IOException {
    out.write(w.bytes(), w.offset(), w.length());
    lastSentNanos = System.nanoTime();
  }

  // ------------------------------------------------------------------ the reader thread

  private void readLoop(InputStream in) {
    FixReader r = new FixReader(in);
    try {
      while (true) {
        r.next();
        onMessage(r, System.nanoTime());
        if (closing && "5".equals(r.msgType)) {
          return;
        }
      }
    } catch (EOFException e) {
      if (!closing) {
        lost("the gateway closed the connection");
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        lost(e.toString());
      }
    } finally {
      loggedOn.countDown();
    }
  }

  private synchronized void lost(String why) {
    if (loggedOn.getCount() > 0) {
      logonProblem = why;
      return;
    }
    stats.disconnects++;
    stats.error(name + ": disconnected: " + why);
    System.err.println(name + ": disconnected: " + why);
  }

  private void countBusy(FixReader m) {
    if (m.text != null && m.text.startsWith("EXCHANGE_BUSY")) {
      stats.busy++;
    }
  }

  private synchronized void onMessage(FixReader m, long now) throws IOException {
    switch (m.msgType) {
      case "8" -> onExecutionReport(m, now);
      case "9" -> {
        // OrderCancelReject: too late (filled) or unknown (gone) is the race the mix causes
        if (answered(m.clOrdNum, m.clOrdKind, now) && m.cxlRejReason != 0 && m.cxlRejReason != 1) {
          stats.rejects++;
          countBusy(m);
          stats.error(name + ": cancel rejected (102=" + m.cxlRejReason + "): " + m.text);
        } else if (m.clOrdKind == 'X') {
          stats.cancelsTooLate++;
        }
      }
      case "A" -> loggedOn.countDown();
      case "1" -> {
        w.begin("0", sender, target, seq++).field(112, m.testReqId == null ? "" : m.testReqId).finish();
        write();
        out.flush();
      }
      case "5" -> {
        if (!closing) {
          if (loggedOn.getCount() > 0) {
            logonProblem = "Logout: " + m.text;
            loggedOn.countDown();
          } else {
            stats.disconnects++;
            stats.error(name + ": logged out by the gateway: " + m.text);
          }
        }
      }
      case "3" -> {
        stats.sessionRejects++;
        stats.error(name + ": session Reject: " + m.text);
      }
      case "j" -> {
        stats.sessionRejects++;
        stats.error(name + ": BusinessMessageReject: " + m.text);
      }
      case "2" -> {
        stats.sessionRejects++;
        stats.error(name + ": the gateway asked for a resend (it lost messages?)");
      }
      default -> { } // Heartbeat, TradingSessionStatus
    }
  }

  private void onExecutionReport(FixReader m, long now) {
    boolean first = answered(m.clOrdNum, m.clOrdKind, now);
    if (m.clOrdKind == 'N') {
      Resting sent = first ? sentOrders.remove(m.clOrdNum) : null;
      switch (m.execType) {
        case '0' -> {
          if (m.leavesQty > 0 && sent != null) {
            resting.put(m.clOrdNum, sent);
          }
        }
        case 'F' -> {
          if (m.ordStatus == '2') {
            resting.remove(m.clOrdNum);
          }
        }
        case '4', 'C' -> resting.remove(m.clOrdNum);
        case '8' -> {
          if (first) {
            stats.rejects++;
            countBusy(m);
            stats.error(name + ": order rejected (103=" + m.ordRejReason + "): " + m.text);
          }
        }
        default -> { }
      }
    } else if (m.clOrdKind == 'X' && m.origKind == 'N') {
      resting.remove(m.origNum);
    }
  }

  /** Records the latency of a first answer; true if it was the first answer to a request. */
  private boolean answered(long num, char kind, long now) {
    if (kind == 0) {
      return false;
    }
    Pending p = pending.remove(num);
    if (p == null) {
      return false;
    }
    if (p.step() >= 0 && p.step() == step) {
      stats.latency.recordValue(Math.min(StepStats.MAX_LATENCY_MICROS,
          Math.max(0, (now - p.intendedNanos()) / 1000)));
      stats.answered++;
      if (now <= stepEndNanos) {
        stats.answeredInWindow++;
      }
      if (p.cancel()) {
        stats.cancels++;
      } else {
        stats.newOrders++;
      }
    }
    return true;
  }
}
