package io.kabuto.gateway.fix;

import io.kabuto.node.NodeConfig;
import io.kabuto.node.RoleService;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quickfix.ConfigError;

/**
 * Role {@code gateway}: starts the FIX 4.4 acceptor ({@link FixAcceptor}) unless {@code
 * kabuto.gateway.fix.enabled = off}, and stops it (logging every session out) when the node
 * shuts down.
 */
public final class FixRoleService implements RoleService {
  private static final Logger log = LoggerFactory.getLogger(FixRoleService.class);

  @Override
  public String role() {
    return NodeConfig.ROLE_GATEWAY;
  }

  @Override
  public void start(ActorSystem<?> system) {
    if (!system.settings().config().getBoolean("kabuto.gateway.fix.enabled")) {
      log.info("FIX acceptor disabled (kabuto.gateway.fix.enabled = off)");
      return;
    }
    FixAcceptor acceptor;
    try {
      acceptor = new FixAcceptor(system);
      acceptor.start();
    } catch (ConfigError e) {
      throw new IllegalStateException("FIX acceptor: " + e.getMessage()
          + " (check kabuto.gateway.fix and kabuto.gateway.participants)", e);
    }
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(),
        "fix-acceptor-stop", () -> CompletableFuture.supplyAsync(() -> {
          acceptor.stop();
          return Done.getInstance();
        }));
  }
}
