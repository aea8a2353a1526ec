package io.kabuto.bench.orders;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one load step measured, in one client or merged over all: message counts, the latency
 * histogram (microseconds from the intended send time to the first answer) and the errors.
 *
 * <p>Errors are what the benchmark did not ask for: a new order rejected (every order it sends
 * is valid), a cancel rejected for another reason than "too late" / "unknown order" (the order
 * filled or was cancelled meanwhile: a race the mix causes on purpose, counted apart), a
 * session-level Reject or BusinessMessageReject, no answer within the drain time (timeout), and
 * a connection lost or logged out by the gateway (disconnect).
 *
 * <p>A client sends it to the benchmark as one line: {@code result key=value ... hist=BASE64}.
 */
final class StepStats {
  static final long MAX_LATENCY_MICROS = 120_000_000L;

  final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
  long offered; // messages the schedule asked for
  long sent;
  long answered;
  /** Answers that arrived before the step's end (offered rate vs achieved). */
  long answeredInWindow;
  long newOrders;
  long cancels;
  long cancelsTooLate;
  long rejects;
  /** Of the rejects, those refused EXCHANGE_BUSY (overload refused at the gateway). */
  long busy;
  long sessionRejects;
  long timeouts;
  long disconnects;
  /** How far the client's sender fell behind its schedule at worst, in microseconds. */
  long maxBehindMicros;
  final List<String> errorSamples = new ArrayList<>();

  long errors() {
    return rejects + sessionRejects + timeouts + disconnects;
  }

  synchronized void error(String sample) {
    if (errorSamples.size() < 5) {
      errorSamples.add(sample.replace(' ', '_').replace('\u0001', '|'));
    }
  }

  synchronized void merge(StepStats o) {
    latency.add(o.latency);
    offered += o.offered;
    sent += o.sent;
    answered += o.answered;
    answeredInWindow += o.answeredInWindow;
    newOrders += o.newOrders;
    cancels += o.cancels;
    cancelsTooLate += o.cancelsTooLate;
    rejects += o.rejects;
    busy += o.busy;
    sessionRejects += o.sessionRejects;
    timeouts += o.timeouts;
    disconnects += o.disconnects;
    maxBehindMicros = Math.max(maxBehindMicros, o.maxBehindMicros);
    for (String s : o.errorSamples) {
      if (errorSamples.size() < 5) {
        errorSamples.add(s);
      }
    }
  }

  synchronized String toLine() {
    Map<String, Object> f = fields();
    StringBuilder b = new StringBuilder("result");
    f.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    for (String s : errorSamples) {
      b.append(" sample=").append(s);
    }
    ByteBuffer h = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int n = latency.encodeIntoCompressedByteBuffer(h);
    b.append(" hist=").append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(h.array(), n)));
    return b.toString();
  }

  private Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("offered", offered);
    f.put("sent", sent);
    f.put("answered", answered);
    f.put("answeredInWindow", answeredInWindow);
    f.put("newOrders", newOrders);
    f.put("cancels", cancels);
    f.put("cancelsTooLate", cancelsTooLate);
    f.put("rejects", rejects);
    f.put("busy", busy);
    f.put("sessionRejects", sessionRejects);
    f.put("timeouts", timeouts);
    f.put("disconnects", disconnects);
    f.put("maxBehindMicros", maxBehindMicros);
    return f;
  }

  static StepStats fromLine(String line) {
    if (!line.startsWith("result ")) {
      throw new IllegalArgumentException("not a result line: " + line);
    }
    StepStats s = new StepStats();
    for (String kv : line.substring(7).split(" ")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("bad field '" + kv + "' in a result line");
      }
      String k = kv.substring(0, eq);
      String v = kv.substring(eq + 1);
      switch (k) {
        case "offered" -> s.offered = Long.parseLong(v);
        case "sent" -> s.sent = Long.parseLong(v);
        case "answered" -> s.answered = Long.parseLong(v);
        case "answeredInWindow" -> s.answeredInWindow = Long.parseLong(v);
        case "newOrders" -> s.newOrders = Long.parseLong(v);
        case "cancels" -> s.cancels = Long.parseLong(v);
        case "cancelsTooLate" -> s.cancelsTooLate = Long.parseLong(v);
        case "rejects" -> s.rejects = Long.parseLong(v);
        case "busy" -> s.busy = Long.parseLong(v);
        case "sessionRejects" -> s.sessionRejects = Long.parseLong(v);
        case "timeouts" -> s.timeouts = Long.parseLong(v);
        case "disconnects" -> s.disconnects = Long.parseLong(v);
        case "maxBehindMicros" -> s.maxBehindMicros = Long.parseLong(v);
        case "sample" -> s.errorSamples.add(v);
        case "hist" -> {
          try {
            s.latency.add(Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(v)), MAX_LATENCY_MICROS));
          } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad histogram in a result line: " + e.getMessage());
          }
        }
        default -> throw new IllegalArgumentException("unknown field '" + k + "' in a result line");
      }
    }
    return s;
  }

  double percentileMillis(double p) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p) / 1000.0;
  }
}
