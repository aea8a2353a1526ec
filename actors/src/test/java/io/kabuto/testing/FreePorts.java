package io.kabuto.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for test nodes that are chosen now and bound later. A port from {@code new
 * ServerSocket(0)} lies in the kernel's ephemeral range, so in the gap before the node binds it an
 * outgoing connection of another node can take it as its local port (CI saw "Address already in
 * use" for a storage process started a second after its seed). These ports come from below that
 * range, where the kernel never hands out local ports, and are checked to be free.
 */
public final class FreePorts {
  private static final int LOWEST = 20_000;
  private static final int BELOW = ephemeralLow();
  // A random start keeps two test JVMs on one machine from walking the same sequence.
  private static final AtomicInteger NEXT =
      new AtomicInteger(LOWEST + ThreadLocalRandom.current().nextInt(BELOW - LOWEST));

  private FreePorts() {}

  /** A port outside the ephemeral range that nothing listens on right now. */
  public static int next() {
    for (int tries = 0; tries < BELOW - LOWEST; tries++) {
      int port = LOWEST + Math.floorMod(NEXT.getAndIncrement() - LOWEST, BELOW - LOWEST);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + LOWEST + ".." + BELOW);
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int low = Integer.parseInt(range.split("\\s+")[0]);
      return low > LOWEST + 1_000 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default; macOS starts at 49152
    }
  }
}
