package io.kabuto.node;

import io.kabuto.testing.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

  @TempDir static Path tmp;

  private static KabutoNode node;

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.terminate();
      node.awaitTermination(Duration.ofSeconds(20));
    }
  }

  @Test
  void defaultsAreOneNodeWithAllRolesJoiningItself() {
    NodeConfig nc = NodeConfig.defaults();
    Config c = nc.config();
    assertEquals(List.of("matching", "storage", "gateway"), nc.roles());
    assertEquals(List.of("matching", "storage", "gateway"), c.getStringList("pekko.cluster.roles"));
    assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("cluster", c.getString("pekko.actor.provider"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider", c.getString("pekko.cluster.downing-provider-class"));
    assertEquals("keep-majority", c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals("jackson-cbor", c.getString("pekko.actor.serialization-bindings.\"io.kabuto.CborSerializable\""));
    // the replicated journal, with this node as its own one-replica set
    assertEquals("kabuto.journal", c.getString("pekko.persistence.journal.plugin"));
    assertEquals("kabuto.snapshot-store", c.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals("node-25520", c.getString("kabuto.storage.replica-id"));
    assertEquals(List.of("node-25520"), c.getStringList("kabuto.storage.replicas"));
    assertEquals(1000, c.getInt("kabuto.book.snapshot-every"));
    // no seeds => self-join
    assertEquals(List.of("pekko://kabuto@127.0.0.1:25520"), nc.seedNodes());
    assertTrue(nc.joinsSelf());
    // data dir defaults to run/data/node-<port>, the storage node's LevelDB below it
    assertTrue(nc.dataDir().endsWith(Path.of("run", "data", "node-25520")), nc.dataDir().toString());
    assertEquals(
        nc.dataDir().resolve("storage"),
        Path.of(c.getString("kabuto.storage.dir")).toAbsolutePath().normalize());
  }

  @Test
  void roleFilesAreLayeredOnlyForTheNodesRoles() {
    NodeConfig gateway = NodeConfig.build(new NodeConfig.Options().roles(List.of("gateway")));
    assertEquals(List.of("gateway"), gateway.roles());
    assertTrue(gateway.config().hasPath("kabuto.gateway.ask-timeout"));
    assertFalse(gateway.config().hasPath("kabuto.matching.book-dispatcher"));

    NodeConfig storage = NodeConfig.build(new NodeConfig.Options().roles(List.of("storage")));
    assertEquals(List.of(""), storage.config().getStringList("pekko.persistence.journal.auto-start-journals"));
  }

  @Test
  void configFileOverridesRoleValueAndFlags() throws IOException {
    Path file = tmp.resolve("override.conf");
    Files.writeString(
        file,
        "kabuto.gateway.ask-timeout = 9s\n"
            + "kabuto.book.snapshot-every = 42\n"
            + "pekko.remote.artery.canonical.port = 25599\n");
    NodeConfig nc =
        NodeConfig.build(
            new NodeConfig.Options().roles(List.of("gateway")).port(25530).configFile(file).dataDir(tmp.resolve("d")));
    Config c = nc.config();
    assertEquals(Duration.ofSeconds(9), c.getDuration("kabuto.gateway.ask-timeout")); // role file said 3s
    assertEquals(42, c.getInt("kabuto.book.snapshot-every")); // base said 1000
    assertEquals(25599, nc.port()); // --port said 25530
    // substitutions see the final values: the storage dir follows --data-dir
    assertEquals(tmp.resolve("d").resolve("storage").toString(), c.getString("kabuto.storage.dir"));
  }

  @Test
  void flagsOverrideFiles() {
    NodeConfig nc = NodeConfig.build(new NodeConfig.Options().port(25531).hostname("localhost"));
    assertEquals(25531, nc.port());
    assertEquals("localhost", nc.hostname());
    assertTrue(nc.dataDir().endsWith(Path.of("data", "node-25531")), nc.dataDir().toString());
    assertEquals(List.of("pekko://kabuto@localhost:25531"), nc.seedNodes());
  }

  @Test
  void seedsAreParsed() {
    NodeConfig nc =
        NodeConfig.build(
            new NodeConfig.Options()
                .port(25522)
                .seeds(List.of("127.0.0.1:25520", " 10.0.0.2:25521", "pekko://kabuto@host-3:2552")));
    assertEquals(
        List.of("pekko://kabuto@127.0.0.1:25520", "pekko://kabuto@10.0.0.2:25521", "pekko://kabuto@host-3:2552"),
        nc.seedNodes());
    assertEquals(nc.seedNodes(), nc.config().getStringList("pekko.cluster.seed-nodes"));
    assertFalse(nc.joinsSelf());
  }

  @Test
  void badSeedsAreRejected() {
    NodeConfigException noPort = assertThrows(NodeConfigException.class, () -> NodeConfig.seedAddress("localhost"));
    assertTrue(noPort.getMessage().contains("host:port"), noPort.getMessage());
    assertThrows(NodeConfigException.class, () -> NodeConfig.seedAddress("localhost:99999"));
    assertThrows(NodeConfigException.class, () -> NodeConfig.seedAddress("localhost:abc"));
    NodeConfigException otherSystem =
        assertThrows(NodeConfigException.class, () -> NodeConfig.seedAddress("pekko://other@h:1"));
    assertTrue(otherSystem.getMessage().contains("kabuto"), otherSystem.getMessage());
  }

  @Test
  void unknownRoleIsRejectedListingValidRoles() {
    NodeConfigException e =
        assertThrows(
            NodeConfigException.class,
            () -> NodeConfig.build(new NodeConfig.Options().roles(List.of("matching", "frontend"))));
    assertTrue(e.getMessage().contains("unknown role 'frontend'"), e.getMessage());
    assertTrue(e.getMessage().contains("matching, storage, gateway"), e.getMessage());

    assertThrows(NodeConfigException.class, () -> NodeConfig.parseRoles(" , "));
    assertEquals(List.of("matching", "gateway"), NodeConfig.parseRoles("matching, gateway,matching"));
  }

  @Test
  void badPortAndMissingConfigFileAreRejected() {
    NodeConfigException port =
        assertThrows(NodeConfigException.class, () -> NodeConfig.build(new NodeConfig.Options().port(70000)));
    assertTrue(port.getMessage().contains("0-65535"), port.getMessage());

    Path missing = tmp.resolve("nope.conf");
    NodeConfigException file =
        assertThrows(NodeConfigException.class, () -> NodeConfig.build(new NodeConfig.Options().configFile(missing)));
    assertTrue(file.getMessage().contains("no such file"), file.getMessage());
  }

  @Test
  void brokenConfigFileSaysWhatToFix() throws IOException {
    Path file = tmp.resolve("broken.conf");
    Files.writeString(file, "kabuto { book = \n");
    NodeConfigException e =
        assertThrows(NodeConfigException.class, () -> NodeConfig.build(new NodeConfig.Options().configFile(file)));
    assertTrue(e.getMessage().contains("not valid HOCON"), e.getMessage());
  }

  @Test
  void singleNodeStartsAndIsUp() throws Exception {
    int port = FreePorts.next();
    NodeConfig nc =
        NodeConfig.build(new NodeConfig.Options().port(port).dataDir(tmp.resolve("node-" + port)));
    assertTrue(nc.joinsSelf());
    node = KabutoNode.start(nc);
    Address up = node.up().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertNotNull(up);
    assertEquals(port, (int) up.getPort().get());
    assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status());
    assertTrue(Cluster.get(node.system()).selfMember().hasRole("matching"));
    assertTrue(Files.isDirectory(nc.dataDir()));

    node.terminate();
    assertTrue(node.awaitTermination(Duration.ofSeconds(20)), "node did not terminate");
  }
}
