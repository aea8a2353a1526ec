package io.kabuto.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the whole-system benchmark tests share: a 3-node topology of real processes on free ports
 * (every node stores and matches, so a book has somewhere to go and the journal keeps a
 * majority), and the benchmark's output both shown and kept for its last line.
 */
public final class ThreeNodeCluster {
  /** The nodes' Pekko ports; each node also binds port + each of the offsets given. */
  public final List<Integer> ports;
  public final Path topologyFile;

  private ThreeNodeCluster(List<Integer> ports, Path topologyFile) {
    this.ports = ports;
    this.topologyFile = topologyFile;
  }

  /**
   * Picks 3 ports free together with port + each offset (admin, FIX...), and writes the topology
   * (named {@code name}, the first {@code gateways} nodes also gateways) to {@code dir}.
   */
  public static ThreeNodeCluster write(Path dir, String name, int gateways, int... offsets)
      throws IOException {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3) {
      int p = ThreadLocalRandom.current().nextInt(20000, 29000);
      if (!ports.contains(p) && free(p) && allFree(p, offsets)) {
        ports.add(p);
      }
    }
    StringBuilder t = new StringBuilder("kabuto.topology {\n  name = " + name + "\n  nodes = [\n");
    for (int i = 0; i < 3; i++) {
      t.append("    { name = node-").append(i + 1).append(", port = ").append(ports.get(i))
          .append(", roles = [storage, matching").append(i < gateways ? ", gateway" : "").append("] }\n");
    }
    t.append("  ]\n  seeds = [\"127.0.0.1:").append(ports.get(0)).append("\", \"127.0.0.1:")
        .append(ports.get(1)).append("\"]\n}\n");
    Path file = dir.resolve("three.conf");
    Files.writeString(file, t.toString());
    return new ThreeNodeCluster(List.copyOf(ports), file);
  }

  private static boolean allFree(int port, int[] offsets) {
    for (int o : offsets) {
      if (!free(port + o)) {
        return false;
      }
    }
    return true;
  }

  public static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A stream that writes to {@code kept} and to the test's own output. */
  public static PrintStream shownAndKept(ByteArrayOutputStream kept) {
    return new PrintStream(new Tee(kept, System.out), true, StandardCharsets.UTF_8);
  }

  /** The last line written to {@code kept}. */
  public static String lastLine(ByteArrayOutputStream kept) {
    String[] lines = kept.toString(StandardCharsets.UTF_8).strip().split("\\R");
    return lines[lines.length - 1];
  }

  private static final class Tee extends OutputStream {
    final OutputStream a;
    final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] bs, int off, int len) throws IOException {
      a.write(bs, off, len);
      b.write(bs, off, len);
    }
  }
}
