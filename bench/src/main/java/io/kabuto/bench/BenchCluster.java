package io.kabuto.bench;

import io.kabuto.cli.KabutoCli;
import io.kabuto.cli.cluster.LocalCluster;
import io.kabuto.cli.cluster.Topology;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The plumbing the whole-system benchmarks share around their local cluster (one JVM per node,
 * the {@code ./kabuto cluster} machinery): starting it with its output indented under the
 * progress lines, a Ctrl-C hook that kills it outright, bringing it down at the end, and turning
 * the outcome into the command's last line and exit code.
 */
public final class BenchCluster {
  private BenchCluster() {}

  /** The repository root: {@code KABUTO_HOME}, else the working directory. */
  public static Path home() {
    String h = System.getenv("KABUTO_HOME");
    return Path.of(h != null && !h.isBlank() ? h : ".").toAbsolutePath().normalize();
  }

  /** Starts {@code t} in {@code dir}; a cluster that does not come up is a {@link BenchFailure}. */
  public static LocalCluster up(Path dir, Topology t, PrintStream out, Duration max) throws IOException {
    PrintWriter clusterOut = new PrintWriter(new OutputStreamWriter(indented(out), StandardCharsets.UTF_8), true);
    try {
      return LocalCluster.up(dir, t, clusterOut, max);
    } catch (LocalCluster.ClusterFailure e) {
      throw new BenchFailure(e.getMessage());
    }
  }

  /** Graceful end of a run: members leave within {@code max}, then their processes are stopped. */
  public static void down(LocalCluster c, Progress p, Duration max) {
    if (c != null) {
      p.say("tearing the cluster down");
      c.down(max);
    }
  }

  /** Ctrl-C / SIGTERM: no time for a graceful leave; kill every process of the cluster. */
  public static void killAll(LocalCluster c, PrintStream out) {
    if (c != null) {
      out.println("interrupted: killing the cluster's processes in " + c.runDir());
      c.killAll();
    }
  }

  /** Runs {@code emergency} if the JVM is stopped mid-run; give the returned hook to {@link #removeHook}. */
  public static Thread addHook(String name, Runnable emergency) {
    Thread hook = new Thread(emergency, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  public static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already: the hook runs anyway
    }
  }

  /**
   * Runs a benchmark for its command: prints its last line (exit 0, targets met or not), or why it
   * could not run (exit 1); {@code hint} follows an unexpected exception.
   */
  public static int exitCode(String bench, String hint, Callable<String> run) {
    try {
      System.out.println(run.call());
      return KabutoCli.EXIT_OK;
    } catch (BenchFailure e) {
      System.out.println(bench + " bench FAILED: " + e.getMessage());
      return KabutoCli.EXIT_FAILURE;
    } catch (Exception e) {
      System.out.println(bench + " bench FAILED: " + e + "; " + hint);
      e.printStackTrace(System.out);
      return KabutoCli.EXIT_FAILURE;
    }
  }

  /** Indents the cluster machinery's output under the benchmark's progress lines. */
  private static OutputStream indented(PrintStream out) {
    return new OutputStream() {
      boolean lineStart = true;

      @Override
      public synchronized void write(int b) {
        if (lineStart) {
          out.print("           | ");
          lineStart = false;
        }
        out.write(b);
        if (b == '\n') {
          lineStart = true;
          out.flush();
        }
      }
    };
  }
}
