package io.kabuto.bench.orders;

import io.kabuto.bench.BenchFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's handle on one {@link OrdersClient} JVM: starts it with this JVM's java and
 * classpath, sends it commands on stdin, reads its answer lines from stdout; its stderr goes to
 * a log file in the run dir.
 */
final class ClientProcess implements AutoCloseable {
  final String name;
  final Path log;
  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ClientProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        // the process is gone; next() says so
      }
      lines.add("failed the client process exited (see " + log + ")");
    }, "bench-orders-" + name);
    t.setDaemon(true);
    t.start();
  }

  static ClientProcess start(String name, Path runDir, List<String> clientArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a small heap that does not grow: the client allocates little per order, and a client GC
    // pause would be counted against the exchange (latency is from the intended send time)
    cmd.addAll(List.of("-Xms256m", "-Xmx256m", "-XX:MaxGCPauseMillis=5", "-XX:+AlwaysPreTouch"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(OrdersClient.class.getName());
    cmd.addAll(clientArgs);
    Path log = runDir.resolve(name + ".log");
    Files.createDirectories(runDir);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new ClientProcess(name, log, pb.start());
  }

  void send(String command) {
    in.println(command);
  }

  /**
   * The next line starting with {@code prefix}; a {@code failed ...} line or a timeout throws
   * with the client's reason.
   */
  String next(String prefix, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      long left = deadline - System.nanoTime();
      String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (l == null) {
        throw new BenchFailure("load client " + name + " did not answer within "
            + timeoutMillis / 1000 + " s (log: " + log + ")");
      }
      if (l.startsWith("failed")) {
        throw new BenchFailure("load client " + name + ": " + l.substring(6).trim()
            + " (log: " + log + ")");
      }
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }

  long pid() {
    return process.pid();
  }

  /** quit, then SIGKILL if it has not exited after a few seconds. */
  @Override
  public void close() {
    if (process.isAlive()) {
      in.println("quit");
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  void kill() {
    process.destroyForcibly();
  }
}
