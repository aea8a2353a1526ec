package io.kabuto.persistence.tck;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.store.LevelDbStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Three storage replicas (t1, t2, t3; quorum 2, fsync always) inside the TCK's own actor system,
 * so Pekko's specs run against the replicated journal and snapshot store as books use them.
 */
final class TckStorage {
  static final List<String> REPLICAS = List.of("t1", "t2", "t3");

  private TckStorage() {}

  static Config config() {
    return ConfigFactory.parseString(""
        + "pekko.loglevel = WARNING\n"
        + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
        + "pekko.persistence.journal.plugin = \"kabuto.journal\"\n"
        + "pekko.persistence.snapshot-store.plugin = \"kabuto.snapshot-store\"\n"
        + "kabuto.storage { replica-id = tck, replicas = [t1, t2, t3], dir = \"unused\","
        + " fsync = always, request-timeout = 3s }\n");
  }

  /** Starts the replicas in {@code system}, each on a new directory under {@code root}. */
  static void start(ActorSystem system, Path root) {
    StorageSettings base = StorageSettings.fromConfig(system.settings().config());
    for (String id : REPLICAS) {
      StorageSettings s = base.withReplicaId(id).withDir(root.resolve(id));
      LevelDbStore store = LevelDbStore.open(s.dir(), s.storeConfig());
      Adapter.spawn(system, StorageNode.create(s, store), StorageNode.actorName(id));
    }
  }

  static Path newRoot() {
    try {
      return Files.createTempDirectory("kabuto-tck");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
