package io.kabuto.persistence.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.store.LevelDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Several Pekko nodes in one JVM on 127.0.0.1, forming one cluster: storage nodes (each a
 * {@link StorageNode} over its own LevelDB directory) and writer nodes (persistent actors using
 * the replicated journal). A crash is {@link #kill}: the node's actor system terminates at once.
 */
final class StorageTestCluster implements AutoCloseable {
  final Path root;
  final List<String> replicas;
  private final String extraConfig;
  private final List<ActorSystem<Void>> systems = new ArrayList<>();
  private Address seed;

  StorageTestCluster(List<String> replicas, String extraConfig) throws IOException {
    this.root = Files.createTempDirectory("kabuto-storage-test");
    this.replicas = List.copyOf(replicas);
    this.extraConfig = extraConfig;
  }

  Config config(String replicaId, Path dir) {
    String r = String.join(",", replicas);
    return ConfigFactory.parseString(extraConfig + "\n"
            + "kabuto.storage { replica-id = \"" + replicaId + "\", replicas = [" + r + "], "
            + "dir = \"" + dir.toString().replace("\\", "/") + "\" }\n")
        .withFallback(ConfigFactory.parseResources("storage-test.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  Path dir(String replicaId) {
    return root.resolve(replicaId);
  }

  /** Starts a storage node for {@code replicaId} on its directory and joins it. */
  ActorSystem<Void> startStorage(String replicaId) {
    return startStorage(replicaId, dir(replicaId));
  }

  ActorSystem<Void> startStorage(String replicaId, Path dir) {
    Config c = config(replicaId, dir);
    StorageSettings s = StorageSettings.fromConfig(c);
    LevelDbStore store = LevelDbStore.open(s.dir(), s.storeConfig());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ctx.spawn(StorageNode.create(s, store), StorageNode.actorName(replicaId));
      return Behaviors.empty();
    }), "kabuto", c);
    return join(system);
  }

  /** A node without storage: persistent actors on it use the replicated journal. */
  ActorSystem<Void> startWriter(String name) {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "kabuto", config("writer-" + name, root));
    return join(system);
  }

  private ActorSystem<Void> join(ActorSystem<Void> system) {
    Cluster cluster = Cluster.get(system);
    if (seed == null || systems.stream().noneMatch(s -> s.whenTerminated().isCompleted() == false
        && Cluster.get(s).selfMember().address().equals(seed))) {
      seed = systems.stream().filter(s -> !s.whenTerminated().isCompleted())
          .map(s -> Cluster.get(s).selfMember().address()).findFirst()
          .orElse(cluster.selfMember().address());
    }
    cluster.manager().tell(Join.create(seed));
    systems.add(system);
    await("node " + cluster.selfMember().address() + " Up", Duration.ofSeconds(20),
        () -> cluster.selfMember().status() == MemberStatus.up());
    return system;
  }

  /** The node dies: its actor system terminates without leaving the cluster first. */
  void kill(ActorSystem<Void> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node did not terminate", e);
    }
    // The survivors down it at once (the resolver's job, not under test here).
    for (ActorSystem<Void> s : systems) {
      if (s != system && !s.whenTerminated().isCompleted()) {
        Cluster.get(s).manager().tell(
            org.apache.pekko.cluster.typed.Down.apply(Cluster.get(system).selfMember().address()));
        break;
      }
    }
  }

  ActorRef<StorageNode.Command> storageRef(ActorSystem<Void> system, String replicaId) {
    return org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system)
            .actorSelection("/user/" + StorageNode.actorName(replicaId))
            .resolveOne(Duration.ofSeconds(5)).toCompletableFuture().join());
  }

  static <R> R ask(ActorSystem<?> system, ActorRef<StorageNode.Command> ref,
      org.apache.pekko.japi.function.Function<ActorRef<R>, StorageNode.Command> msg) {
    return AskPattern.ask(ref, msg, Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture().join();
  }

  static StorageProtocol.StatusReply status(ActorSystem<?> system,
      ActorRef<StorageNode.Command> ref) {
    return ask(system, ref, StorageNode.GetStatus::new);
  }

  static void fault(ActorSystem<?> system, ActorRef<StorageNode.Command> ref,
      StorageProtocol.Fault f, long millis) {
    StorageTestCluster.<StorageProtocol.AckReply>ask(system, ref,
        r -> new StorageNode.InjectFault(f, millis, r));
  }

  <C> ActorRef<C> spawn(ActorSystem<Void> system,
      org.apache.pekko.actor.typed.Behavior<C> behavior, String name) {
    return AskPattern.<org.apache.pekko.actor.typed.SpawnProtocol.Command, ActorRef<C>>ask(
            system.systemActorOf(org.apache.pekko.actor.typed.SpawnProtocol.create(),
                "spawner-" + name, Props.empty()),
            r -> new org.apache.pekko.actor.typed.SpawnProtocol.Spawn<>(behavior, name,
                Props.empty(), r),
            Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture().join();
  }

  static void await(String what, Duration timeout, BooleanSupplier cond) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (ActorSystem<Void> s : systems) {
      s.terminate();
    }
    for (ActorSystem<Void> s : systems) {
      try {
        s.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // best effort
      }
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
