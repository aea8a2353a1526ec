package io.kabuto.scenario.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the end-to-end tests' real clusters: each node binds its Pekko port and that port +
 * 10000 and + 20000 (admin HTTP, gateway HTTP), so all three must be free.
 */
final class FreePorts {
  private FreePorts() {}

  /** {@code n} distinct node ports, each free together with its + 10000 and + 20000. */
  static List<Integer> forNodes(int n) {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < n) {
      int p = ThreadLocalRandom.current().nextInt(20000, 25000);
      if (!ports.contains(p) && free(p) && free(p + 10000) && free(p + 20000)) {
        ports.add(p);
      }
    }
    return ports;
  }

  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
