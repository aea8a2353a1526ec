package io.kabuto.gateway.fix;

import static io.kabuto.gateway.fix.FixClient.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import quickfix.Message;
import quickfix.field.ExecType;
import quickfix.field.MsgType;
import quickfix.field.Side;

/**
 * Fuzzes the FIX entry point with raw bytes over a socket (seeded, reproducible): valid
 * messages with fields mutated, removed, duplicated, reordered, unknown tags, bad checksums and
 * body lengths, truncations and garbage, after a valid logon. Afterwards a stock initiator still
 * logs on and trades, and the other sessions are unharmed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FixFuzzTest {
  static final long SEED = Long.getLong("kabuto.fuzz.seed", 20240611L);
  static final int MESSAGES = 400;
  static final char SOH = '\u0001';
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss.SSS");

  /** One raw connection, its reader draining whatever the acceptor writes. */
  static final class Raw implements AutoCloseable {
    final Socket socket = new Socket();
    final OutputStream out;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicLong bytesIn = new AtomicLong();
    final StringBuffer in = new StringBuffer();

    Raw(int port) throws Exception {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(200);
      out = socket.getOutputStream();
      InputStream is = socket.getInputStream();
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        while (!closed.get()) {
          try {
            int n = is.read(buf);
            if (n < 0) {
              break;
            }
            bytesIn.addAndGet(n);
            if (in.length() < 100_000) {
              in.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
          } catch (java.net.SocketTimeoutException e) {
            // poll again
          } catch (Exception e) {
            break;
          }
        }
        closed.set(true);
      }, "fuzz-reader");
      t.setDaemon(true);
      t.start();
    }

    boolean write(byte[] b) {
      try {
        out.write(b);
        out.flush();
        return true;
      } catch (Exception e) {
        closed.set(true);
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      closed.set(true);
      socket.close();
    }
  }

  static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(TS);
  }

  /** A framed FIX 4.4 message: BeginString, BodyLength and CheckSum computed. */
  static String frame(List<String> body) {
    StringBuilder b = new StringBuilder();
    for (String f : body) {
      b.append(f).append(SOH);
    }
    String head = "8=FIX.4.4" + SOH + "9=" + b.length() + SOH;
    String msg = head + b;
    int sum = 0;
    for (byte x : msg.getBytes(StandardCharsets.ISO_8859_1)) {
      sum += x & 0xff;
    }
    return msg + "10=" + String.format("%03d", sum % 256) + SOH;
  }

  static List<String> header(String type, int seq) {
    List<String> f = new ArrayList<>();
    f.add("35=" + type);
    f.add("49=FUZZ");
    f.add("56=KABUTO");
    f.add("34=" + seq);
    f.add("52=" + now());
    return f;
  }

  static String logon(int seq) {
    List<String> f = header("A", seq);
    f.add("98=0");
    f.add("108=30");
    f.add("141=Y");
    f.add("554=fuzz");
    return frame(f);
  }

  static List<String> validBody(Random r, int seq) {
    int kind = r.nextInt(4);
    String[] symbols = {"T9", "T9", "NOPE", ""};
    String sym = symbols[r.nextInt(symbols.length)];
    String clOrdId = "F" + r.nextInt(50);
    List<String> f;
    switch (kind) {
      case 0, 1 -> {
        f = header("D", seq);
        f.add("11=" + clOrdId);
        f.add("55=" + sym);
        f.add("54=" + (1 + r.nextInt(2)));
        f.add("60=" + now());
        f.add("38=" + (r.nextBoolean() ? 100 : r.nextInt(1000)));
        f.add("40=2");
        f.add("44=" + (1990 + r.nextInt(20)) + (r.nextBoolean() ? "" : "." + r.nextInt(10)));
        f.add("59=" + "0346".charAt(r.nextInt(4)));
      }
      case 2 -> {
        f = header("F", seq);
        f.add("41=" + clOrdId);
        f.add("11=C" + r.nextInt(1000));
        f.add("55=" + sym);
        f.add("54=1");
        f.add("60=" + now());
      }
      default -> {
        f = header("G", seq);
        f.add("41=" + clOrdId);
        f.add("11=G" + r.nextInt(1000));
        f.add("55=" + sym);
        f.add("54=1");
        f.add("60=" + now());
        f.add("40=2");
        f.add("38=" + r.nextInt(500));
        f.add("44=" + (1990 + r.nextInt(20)));
      }
    }
    return f;
  }

  static String garbage(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(10) == 0 ? SOH : r.nextInt(10) == 0 ? '=' : r.nextInt(256);
      b.append((char) c);
    }
    return b.toString();
  }

  /**
   * One fuzzed message (raw bytes, ISO-8859-1); {@code garbled}: framing broken (checksum, body
   * length, truncated, garbage), so the acceptor drops it without using its sequence number.
   */
  record Fuzzed(String raw, boolean garbled) {}

  static Fuzzed fuzz(Random r, int seq) {
    List<String> f = validBody(r, seq);
    int mutation = r.nextInt(16); // 13..15 and 0: left valid
    int i = 4 + r.nextInt(Math.max(1, f.size() - 4)); // body fields after the header's first four
    i = Math.min(i, f.size() - 1);
    switch (mutation) {
      case 0 -> { } // valid
      case 1 -> f.remove(i);
      case 2 -> f.add(i, f.get(i));
      case 3 -> f.set(i, f.get(i).substring(0, f.get(i).indexOf('=') + 1) + garbage(r, r.nextInt(8)));
      case 4 -> f.add(i, (r.nextBoolean() ? 9000 + r.nextInt(999) : 1 + r.nextInt(2000)) + "=zz");
      case 5 -> {
        int j = r.nextInt(f.size());
        String t = f.get(i);
        f.set(i, f.get(j));
        f.set(j, t);
      }
      case 6 -> f.set(0, "35=" + (char) ('a' + r.nextInt(26)) + (r.nextBoolean() ? "" : "X"));
      case 7 -> f.set(i, f.get(i).replace("=", "=" + "9".repeat(30)));
      case 8 -> f.set(i, "=" + garbage(r, 3));
      default -> { }
    }
    String msg = frame(f);
    return new Fuzzed(switch (mutation) {
      case 9 -> msg.substring(0, msg.length() - 4) + String.format("%03d",
          (Integer.parseInt(msg.substring(msg.length() - 4, msg.length() - 1)) + 1) % 256) + SOH;
      case 10 -> msg.replaceFirst("9=\\d+", "9=" + r.nextInt(400));
      case 11 -> msg.substring(0, r.nextInt(msg.length()));
      case 12 -> garbage(r, 1 + r.nextInt(300));
      default -> msg;
    }, mutation >= 9 && mutation <= 12);
  }

  static void count(Raw raw, int[] replies) {
    String in = raw.in.toString();
    String[] types = {"35=8", "35=3", "35=j"};
    for (int k = 0; k < types.length; k++) {
      int from = 0;
      while ((from = in.indexOf(SOH + types[k] + SOH, from)) >= 0) {
        replies[k]++;
        from++;
      }
    }
  }

  @Test
  void the_acceptor_survives_fuzzed_input_and_still_trades() throws Exception {
    FixAcceptorTest.start();
    try {
      Random r = new Random(SEED);
      int sent = 0;
      int reconnects = 0;
      int seq = 1;
      Raw raw = null;
      int[] replies = new int[3]; // ExecutionReports, session Rejects, BusinessMessageRejects
      while (sent < MESSAGES) {
        if (raw == null || raw.closed.get() || seq > 30) {
          if (raw != null) {
            Thread.sleep(300);
            count(raw, replies);
            raw.close();
          }
          raw = new Raw(FixAcceptorTest.port);
          reconnects++;
          seq = 1;
          raw.write(logon(seq++).getBytes(StandardCharsets.ISO_8859_1));
          long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
          while (raw.in.indexOf("35=A" + SOH) < 0 && !raw.closed.get()
              && System.nanoTime() < until) {
            Thread.sleep(10);
          }
        }
        Fuzzed m = fuzz(r, seq++);
        raw.write(m.raw().getBytes(StandardCharsets.ISO_8859_1));
        if (m.garbled()) {
          seq--; // dropped by the acceptor: the next message reuses the number
        }
        sent++;
        if (sent % 40 == 0) {
          Thread.sleep(50);
        }
      }
      if (raw != null) {
        Thread.sleep(300);
        count(raw, replies);
        raw.close();
      }
      System.out.printf("fuzz seed %d: %d messages, %d connections; acceptor answered %d "
          + "ExecutionReports, %d Rejects, %d BusinessMessageRejects%n", SEED, sent, reconnects,
          replies[0], replies[1], replies[2]);
      assertTrue(replies[0] >= 5 && replies[1] > 20, "the fuzz reached the application and "
          + "session layers: " + java.util.Arrays.toString(replies));
      assertTrue(sent >= 300, "fuzzed messages: " + sent);
      assertTrue(reconnects >= 1);

      // The acceptor still accepts a logon, and a valid order trades.
      try (FixClient c = new FixClient("FUZZ", "fuzz", FixAcceptorTest.port,
          FixAcceptorTest.tmp.resolve("fuzz-client"), true)) {
        assertTrue(c.awaitLogon(Duration.ofSeconds(20)), "FUZZ logs on after the fuzzing");
        String id = FixAcceptorTest.id("AFTER");
        c.send(FixAcceptorTest.nos(id, "T1", Side.SELL, "2010", 100));
        FixAcceptorTest.er(c, id, ExecType.NEW);
      }
      // Other sessions were not disturbed.
      String id = FixAcceptorTest.id("OK");
      FixAcceptorTest.broker1.send(FixAcceptorTest.nos(id, "T2", Side.BUY, "1990", 100));
      Message er = FixAcceptorTest.er(FixAcceptorTest.broker1, id, ExecType.NEW);
      assertEquals("0", FixClient.str(er, 39));
      FixAcceptorTest.depth("T9"); // the fuzzed book answers
      FixAcceptorTest.broker1.await(type(MsgType.TRADING_SESSION_STATUS), Duration.ofSeconds(5));
    } finally {
      FixAcceptorTest.stop();
    }
  }
}
