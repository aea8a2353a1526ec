package io.kabuto.scenario.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The run's history ({@code history.jsonl}): one JSON object per line, numbered by {@code seq}
 * (its line number), stamped with wall time since the run started ({@code t}, ms) and simulated
 * time ({@code sim}, ms since midnight). Every client request ({@code invoke}) and its outcome
 * ({@code ok}: an HTTP answer, {@code fail}: none), every fault step, every change the cluster
 * reported, and the final lookups. The checker reads nothing else.
 */
public final class History implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final List<JsonNode> lines = new ArrayList<>();
  private final long originNanos;
  private final LongSupplier simClock;

  private History(BufferedWriter out, long originNanos, LongSupplier simClock) {
    this.out = out;
    this.originNanos = originNanos;
    this.simClock = simClock;
  }

  /** A history written to {@code file}; {@code simClock} gives the simulated time of each line. */
  public static History create(Path file, long originNanos, LongSupplier simClock) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return new History(Files.newBufferedWriter(file, StandardCharsets.UTF_8), originNanos, simClock);
  }

  /** A history kept in memory only (tests). */
  public static History inMemory(long originNanos, LongSupplier simClock) {
    return new History(null, originNanos, simClock);
  }

  /** A new line of this type, to fill in and {@link #append}. */
  public ObjectNode line(String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", type);
    return n;
  }

  /** Numbers, stamps and writes a line; returns its seq. */
  public synchronized long append(ObjectNode n) {
    long seq = lines.size() + 1;
    ObjectNode stamped = JSON.createObjectNode();
    stamped.put("seq", seq);
    stamped.put("t", (System.nanoTime() - originNanos) / 1_000_000L);
    stamped.put("sim", simClock.getAsLong());
    stamped.setAll(n);
    lines.add(stamped);
    if (out != null) {
      try {
        out.write(stamped.toString());
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the history", e);
      }
    }
    return seq;
  }

  /** A copy of the lines so far. */
  public synchronized List<JsonNode> lines() {
    return List.copyOf(lines);
  }

  public synchronized void flush() {
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the history", e);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  /** Reads a history file back (the checker's input when run on its own). */
  public static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    int n = 0;
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (l.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readTree(l));
      } catch (IOException e) {
        throw new IOException(file + " line " + n + " is not JSON: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
