package io.kabuto.cli.cluster;

import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The host watchdog: one background process per local cluster ({@code cluster up} starts it,
 * {@code cluster down} stops it) that polls the nodes' pids every 100 ms. When a node's process
 * has exited (gone, not merely stopped by SIGSTOP: a paused node stays the split brain
 * resolver's business), it has one live node down it at once ({@code POST /admin/down}), so the
 * survivors do not wait the resolver's stable-after for a node that is certainly dead. Once per
 * death: a restarted node has a new pid (pid file) and is watched again.
 */
final class Watchdog {
  static final Duration POLL = Duration.ofMillis(100);

  private Watchdog() {}

  static Path pidFile(Path runDir) {
    return runDir.resolve("watchdog.pid");
  }

  static Path logFile(Path runDir) {
    return runDir.resolve("watchdog.log");
  }

  /** The live watchdog process of a run dir, if any. */
  static Optional<ProcessHandle> process(Path runDir) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(runDir)).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h ->
          h.info().commandLine().map(c -> c.contains("watchdog") || c.contains("java")).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Starts the watchdog of {@code ops.runDir} in the background (stopping a stale one first). */
  static long start(ClusterOps ops) throws IOException {
    process(ops.runDir).ifPresent(NodeFaults::killAndConfirm);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.kabuto.cli.KabutoCli");
    cmd.addAll(List.of("cluster", "watchdog", "--run-dir", ops.runDir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(ops.runDir).toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    Files.writeString(pidFile(ops.runDir), p.pid() + "\n");
    return p.pid();
  }

  /** Stops the watchdog (SIGKILL: it keeps no state), removes its pid file. */
  static void stop(ClusterOps ops, PrintWriter out) throws IOException {
    Optional<ProcessHandle> p = process(ops.runDir);
    if (p.isPresent()) {
      NodeFaults.killAndConfirm(p.get());
      out.println("watchdog stopped (pid " + p.get().pid() + ")");
    }
    Files.deleteIfExists(pidFile(ops.runDir));
  }

  /** For {@code cluster status}. */
  static String describe(Path runDir) {
    return process(runDir).map(h -> "running (pid " + h.pid() + ", log " + logFile(runDir) + ")")
        .orElse("not running (nodes that die by themselves wait for the split brain resolver; "
            + "./kabuto cluster up starts it)");
  }

  /** The loop; returns when the cluster is gone (cluster.json deleted by {@code cluster down}). */
  static void run(ClusterOps ops, PrintWriter log) {
    log.println(Instant.now() + " watchdog started for " + ops.runDir + " (pid "
        + ProcessHandle.current().pid() + ", polling every " + POLL.toMillis() + " ms)");
    Map<String, Long> watched = new HashMap<>(); // node -> pid seen alive, not yet handled
    Set<Long> handled = new HashSet<>();
    int missing = 0;
    while (true) {
      ClusterState s;
      try {
        s = ClusterState.read(ops.runDir);
      } catch (IllegalStateException e) {
        s = null; // being rewritten
      }
      if (s == null) {
        if (++missing >= 20) {
          log.println(Instant.now() + " no cluster in " + ops.runDir + " any more: watchdog exits");
          return;
        }
        ClusterOps.sleep(POLL.toMillis());
        continue;
      }
      missing = 0;
      for (NodeState n : s.nodes()) {
        long pid = ops.pid(n.name());
        boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        Long seen = watched.get(n.name());
        if (alive) {
          if (seen == null || seen != pid) {
            if (seen != null && !handled.contains(seen)) {
              log.println(Instant.now() + " " + n.name() + " has a new pid " + pid + " (was " + seen + ")");
            }
            watched.put(n.name(), pid);
            log.println(Instant.now() + " watching " + n.name() + " (pid " + pid + ")");
          }
          continue;
        }
        // not alive: either the pid file's pid is gone, or the pid file is gone (down / stop)
        if (seen != null && !handled.contains(seen)) {
          handled.add(seen);
          watched.remove(n.name());
          long t0 = System.nanoTime();
          log.println(Instant.now() + " " + n.name() + " (pid " + seen + ") exited: downing "
              + n.address());
          NodeState by = NodeFaults.downDead(ops, log, s, n);
          log.println(Instant.now() + " " + (by != null ? "downed by " + by.name() : "not downed")
              + " in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
        }
      }
      log.flush();
      ClusterOps.sleep(POLL.toMillis());
    }
  }

  /** {@code kabuto cluster watchdog --run-dir DIR} (hidden; started by {@code cluster up}). */
  @Command(name = "watchdog", hidden = true, mixinStandardHelpOptions = true,
      description = "Host watchdog: downs a node at once when its process exits (started by up).")
  static final class Cmd implements Callable<Integer> {
    @Option(names = "--run-dir", paramLabel = "DIR", required = true)
    Path runDir;

    @Override
    public Integer call() {
      PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
      ClusterOps ops = new ClusterOps(runDir.toAbsolutePath().normalize(), out);
      try {
        run(ops, out);
      } finally {
        try {
          if (process(ops.runDir).map(h -> h.pid() == ProcessHandle.current().pid()).orElse(false)) {
            Files.deleteIfExists(pidFile(ops.runDir));
          }
        } catch (IOException e) {
          // ignore
        }
      }
      return KabutoCli.EXIT_OK;
    }
  }
}
