package io.kabuto.bench.orders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A load-client process of {@code kabuto bench orders}: a broker's order-entry machine with
 * several FIX sessions, run as its own JVM so that the load does not share a JVM (heap, GC,
 * threads) with the benchmark or the nodes.
 *
 * <pre>
 * java -cp ... io.kabuto.bench.orders.OrdersClient --seed N --symbols SYM:BASE:TICKS:LOT,...
 *     --session NAME:PASSWORD@HOST:PORT [--session ...]
 * </pre>
 *
 * It logs every session on and prints {@code ready N}; then it obeys lines on stdin:
 *
 * <ul>
 *   <li>{@code step ID RATE DURATION_MS START_EPOCH_MS DRAIN_MS}: sends RATE messages a second,
 *       round-robin over its sessions, on a fixed schedule from START (intended time of message i
 *       = START + i / RATE, whether or not the previous ones were answered: open loop), for
 *       DURATION; then waits up to DRAIN for the answers and prints one {@code result ...} line
 *       ({@link StepStats}).
 *   <li>{@code quit}, or the end of stdin (the benchmark died): logs out and exits.
 * </ul>
 *
 * Anything that stops it from running prints {@code failed REASON} and exits 1.
 */
public final class OrdersClient {
  private final List<LoadSession> sessions;
  private final boolean[] dead;
  private final PrintStream out;

  private OrdersClient(List<LoadSession> sessions, PrintStream out) {
    this.sessions = sessions;
    this.dead = new boolean[sessions.size()];
    this.out = out;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    List<LoadSession> sessions = new ArrayList<>();
    try {
      sessions = parse(args);
      for (LoadSession s : sessions) {
        s.logon(15_000);
      }
      OrdersClient c = new OrdersClient(sessions, out);
      Thread hb = new Thread(c::heartbeats, "heartbeats");
      hb.setDaemon(true);
      hb.start();
      out.println("ready " + sessions.size());
      c.obey(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    } catch (Exception e) {
      out.println("failed " + e.getMessage());
      e.printStackTrace();
      logoutAll(sessions);
      System.exit(1);
    }
    logoutAll(sessions);
    System.exit(0);
  }

  static List<LoadSession> parse(String[] args) {
    long seed = 1;
    List<OrderMix.Listed> symbols = null;
    List<String> specs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--seed" -> seed = Long.parseLong(v);
        case "--symbols" -> symbols = Arrays.stream(v.split(",")).map(OrderMix.Listed::parse).toList();
        case "--session" -> specs.add(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (symbols == null || specs.isEmpty()) {
      throw new IllegalArgumentException("--symbols and at least one --session are required");
    }
    List<LoadSession> sessions = new ArrayList<>();
    for (String spec : specs) {
      int colon = spec.indexOf(':');
      int at = spec.lastIndexOf('@');
      int port = spec.lastIndexOf(':');
      if (colon < 0 || at < colon || port < at) {
        throw new IllegalArgumentException("--session " + spec + ": expected NAME:PASSWORD@HOST:PORT");
      }
      InetSocketAddress gw = new InetSocketAddress(spec.substring(at + 1, port),
          Integer.parseInt(spec.substring(port + 1)));
      sessions.add(new LoadSession(spec.substring(0, colon), spec.substring(colon + 1, at), gw,
          new OrderMix(symbols, seed * 1_000_003L + sessions.size())));
    }
    return sessions;
  }

  private void obey(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.trim().split("\\s+");
      switch (f[0]) {
        case "step" -> {
          if (f.length != 6) {
            throw new IllegalArgumentException("bad command: " + line);
          }
          StepStats s = step(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
              Long.parseLong(f[4]), Long.parseLong(f[5]));
          out.println(s.toLine());
        }
        case "quit" -> {
          return;
        }
        case "" -> { }
        default -> throw new IllegalArgumentException("unknown command: " + line);
      }
    }
  }

  private StepStats step(int id, double rate, long durationMs, long startEpochMs, long drainMs) {
    long count = Math.round(rate * durationMs / 1000.0);
    double interval = 1e9 / rate;
    long start = System.nanoTime() + (startEpochMs - System.currentTimeMillis()) * 1_000_000L;
    long end = start + durationMs * 1_000_000L;
    for (LoadSession s : sessions) {
      s.startStep(id, end);
    }
    StepStats own = new StepStats();
    own.offered = count;
    boolean[] dirty = new boolean[sessions.size()];
    long i = 0;
    while (i < count) {
      long intended = start + (long) (i * interval);
      long now = System.nanoTime();
      if (intended > now) {
        flush(dirty, own);
        LockSupport.parkNanos(intended - now);
        continue;
      }
      own.maxBehindMicros = Math.max(own.maxBehindMicros, (now - intended) / 1000);
      int k = (int) (i % sessions.size());
      i++;
      if (dead[k]) {
        continue;
      }
      try {
        sessions.get(k).send(intended);
        dirty[k] = true;
        own.sent++;
      } catch (IOException e) {
        dead(k, own, e);
      }
    }
    flush(dirty, own);
    long deadline = System.nanoTime() + drainMs * 1_000_000L;
    while (System.nanoTime() < deadline && sessions.stream().anyMatch(s -> s.pendingOf(id) > 0)) {
      LockSupport.parkNanos(5_000_000L);
    }
    for (LoadSession s : sessions) {
      own.merge(s.finishStep(id));
    }
    return own;
  }

  private void flush(boolean[] dirty, StepStats own) {
    for (int k = 0; k < dirty.length; k++) {
      if (dirty[k]) {
        dirty[k] = false;
        try {
          sessions.get(k).flush();
        } catch (IOException e) {
          dead(k, own, e);
        }
      }
    }
  }

  private void dead(int k, StepStats own, IOException e) {
    if (!dead[k]) {
      dead[k] = true;
      own.disconnects++;
      own.error(sessions.get(k).name + ": cannot send: " + e.getMessage());
    }
  }

  private void heartbeats() {
    while (true) {
      LockSupport.parkNanos(1_000_000_000L);
      long now = System.nanoTime();
      for (LoadSession s : sessions) {
        s.heartbeatIfIdle(now);
      }
    }
  }

  private static void logoutAll(List<LoadSession> sessions) {
    for (LoadSession s : sessions) {
      s.logout();
    }
  }
}
