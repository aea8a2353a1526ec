package io.kabuto.node;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kabuto node: an {@code ActorSystem} named {@value NodeConfig#SYSTEM_NAME} whose
 * guardian starts the {@link RoleService}s of the node's roles and reports when the member is Up.
 *
 * <p>Programmatic use (tests, in-process scenarios): {@link #start(NodeConfig)}, then {@link
 * #up()}, then {@link #terminate()}. The CLI uses the blocking {@link #run(NodeConfig)}.
 */
public final class KabutoNode {

  private static final Logger log = LoggerFactory.getLogger(KabutoNode.class);

  /** CoordinatedShutdown reason for {@link #terminate()}: a stop asked for by the owner. */
  public enum StopRequested implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  private final NodeConfig nodeConfig;
  private final ActorSystem<Void> system;
  private final CompletableFuture<Address> up;

  private KabutoNode(NodeConfig nodeConfig, ActorSystem<Void> system, CompletableFuture<Address> up) {
    this.nodeConfig = nodeConfig;
    this.system = system;
    this.up = up;
  }

  /** Starts the node and returns at once; the member becomes Up asynchronously, see {@link #up()}. */
  public static KabutoNode start(NodeConfig nodeConfig) {
    List<RoleService> services = loadServices();
    try {
      Files.createDirectories(nodeConfig.dataDir());
    } catch (IOException e) {
      throw new NodeConfigException(
          "cannot create data dir " + nodeConfig.dataDir() + " (" + e + "); give a writable one with --data-dir DIR", e);
    }
    CompletableFuture<Address> up = new CompletableFuture<>();
    ActorSystem<Void> system =
        ActorSystem.create(guardian(nodeConfig, services, up), NodeConfig.SYSTEM_NAME, nodeConfig.config());
    system.getWhenTerminated().whenComplete((d, e) ->
        up.completeExceptionally(new IllegalStateException("node terminated before its member was Up")));
    return new KabutoNode(nodeConfig, system, up);
  }

  /**
   * Starts the node, blocks until its actor system terminates and returns a process exit code:
   * 0 after a requested stop (Ctrl-C / SIGTERM, or leaving the cluster), 1 otherwise (e.g. the
   * node was downed by the split brain resolver, or a role service failed).
   */
  public static int run(NodeConfig nodeConfig) {
    KabutoNode node = start(nodeConfig);
    Thread hook =
        new Thread(
            () -> {
              // Pekko's own JVM hook (run-by-jvm-shutdown-hook = on) runs the same; runAll is
              // idempotent. Waiting here keeps the JVM alive until the node has left the cluster.
              node.terminate();
              node.awaitTermination(Duration.ofSeconds(30));
            },
            "kabuto-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // SIGTERM during startup: Pekko's own hook is already stopping the node.
    }
    node.system.getWhenTerminated().toCompletableFuture().join();

    Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(node.system).getShutdownReason();
    boolean requested =
        reason.isPresent()
            && (reason.get() == StopRequested.INSTANCE
                || reason.get() == CoordinatedShutdown.jvmExitReason()
                || reason.get() == CoordinatedShutdown.clusterLeavingReason());
    if (requested) {
      log.info("node stopped");
      return 0;
    }
    System.err.println("kabuto: node stopped: " + reason.map(Object::toString).orElse("actor system terminated")
        + " (see the log above)");
    return 1;
  }

  private static Behavior<Void> guardian(NodeConfig nc, List<RoleService> services, CompletableFuture<Address> up) {
    return Behaviors.<SelfUp>setup(
            ctx -> {
              ActorSystem<Void> system = ctx.getSystem();
              Cluster cluster = Cluster.get(system);
              Address self = cluster.selfMember().address();
              ctx.getLog().info("kabuto node {} roles={}", self, nc.roles());
              ctx.getLog().info("seed nodes: {}", nc.seedNodes().isEmpty() ? "(none: joining self)" : nc.seedNodes());
              ctx.getLog().info("data dir: {}", nc.dataDir());
              // Storage nodes' StorageRoleService logs the storage findings itself.
              ConfigAudit.log(ConfigAudit.check(nc.config(), !nc.hasRole(NodeConfig.ROLE_STORAGE)), ctx.getLog());

              cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), SelfUp.class));
              DownedMemberQuarantine.start(system);
              if (nc.seedNodes().isEmpty()) {
                // Port 0: the address was unknown when the config was built.
                cluster.manager().tell(Join.create(self));
              }

              for (String role : nc.roles()) {
                boolean any = false;
                for (RoleService s : services) {
                  if (role.equals(s.role())) {
                    any = true;
                    ctx.getLog().info("role {}: starting {}", role, s.getClass().getName());
                    try {
                      s.start(system);
                    } catch (RuntimeException e) {
                      ctx.getLog().error("role {}: {} failed to start; stopping the node", role, s.getClass().getName(), e);
                      throw e;
                    }
                  }
                }
                if (!any) {
                  ctx.getLog().info("role {}: no service registered (nothing to start)", role);
                }
              }

              // "node up" is printed once the member is Up and the admin server answered
              // (bound or failed), so scripts can read the admin URL from that line.
              java.util.concurrent.atomic.AtomicReference<String> admin =
                  new java.util.concurrent.atomic.AtomicReference<>("");
              java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(2);
              Runnable printUp = () -> {
                ready.countDown();
                if (ready.getCount() == 0) {
                  System.out.println("node up: " + self + " roles=" + nc.roles() + admin.get());
                  System.out.flush();
                  up.complete(self);
                }
              };
              io.kabuto.node.admin.AdminServer.start(system, nc).whenComplete((binding, e) -> {
                if (e != null) {
                  system.log().error("admin HTTP server could not bind port {}: {}; the node runs "
                      + "without /health (set kabuto.admin.port to a free port)",
                      io.kabuto.node.admin.AdminServer.port(nc), e.getMessage());
                } else {
                  admin.set(" admin=http://" + nc.config().getString("kabuto.admin.hostname") + ":"
                      + binding.localAddress().getPort());
                }
                printUp.run();
              });

              return Behaviors.receiveMessage(
                  selfUp -> {
                    printUp.run();
                    return Behaviors.same();
                  });
            })
        .unsafeCast();
  }

  private static List<RoleService> loadServices() {
    List<RoleService> services = new ArrayList<>();
    try {
      for (RoleService s : ServiceLoader.load(RoleService.class, KabutoNode.class.getClassLoader())) {
        if (!NodeConfig.VALID_ROLES.contains(s.role())) {
          throw new IllegalStateException(
              s.getClass().getName() + " declares unknown role '" + s.role() + "'; valid roles are "
                  + NodeConfig.VALID_ROLES);
        }
        services.add(s);
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "a META-INF/services/" + RoleService.class.getName() + " entry is broken: " + e.getMessage(), e);
    }
    return services;
  }

  /** Completes with this node's address when its member is Up; fails if the node stops first. */
  public CompletionStage<Address> up() {
    return up;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public NodeConfig nodeConfig() {
    return nodeConfig;
  }

  /** Actual address (the bound port when configured with port 0). */
  public Address address() {
    return Cluster.get(system).selfMember().address();
  }

  /** Leaves the cluster and terminates the actor system (CoordinatedShutdown). */
  public CompletionStage<Done> terminate() {
    return CoordinatedShutdown.get(system).runAll(StopRequested.INSTANCE);
  }

  /** Waits up to {@code timeout} for termination; true if terminated. */
  public boolean awaitTermination(Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }
}
