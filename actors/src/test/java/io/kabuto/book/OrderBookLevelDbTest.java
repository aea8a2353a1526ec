package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.Phase;
import io.kabuto.matching.TickTable;
import io.kabuto.node.RoleService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing on one node: cluster provider, sharding (role matching), Pekko's LevelDB journal
 * (native) and local snapshot store in a temp dir. Trades a few hundred commands on three books,
 * stops the actor system, starts a new one on the same dirs and checks that every book recovers
 * to the same state and still answers retries with their first answers.
 */
class OrderBookLevelDbTest {

  @TempDir static Path dir;

  private static ActorTestKit node;

  private static final List<String> SYMBOLS = List.of("7203", "6758", "9984");
  private static final int COMMANDS_PER_BOOK = 120;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @AfterAll
  static void stop() {
    if (node != null) node.shutdownTestKit();
  }

  private static Config config() {
    return ConfigFactory.parseString("""
        pekko {
          actor.provider = cluster
          actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
          remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
          cluster {
            roles = [matching]
            jmx.multi-mbeans-in-same-jvm = on
            sharding.passivation.strategy = none
          }
          persistence {
            journal.plugin = "pekko.persistence.journal.leveldb"
            journal.leveldb { dir = "%s", native = on }
            snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
            snapshot-store.local.dir = "%s"
          }
        }
        kabuto.book {
          snapshot-every = 50
          defaults { base-price = "2000", tick-table = TOPIX500 }
          symbols { "7203" { base-price = 2000, tick-table = TOPIX500 } }
        }
        """.formatted(dir.resolve("journal"), dir.resolve("snapshots"))).withFallback(ConfigFactory.load());
  }

  private static ActorTestKit startNode() {
    ActorTestKit kit = ActorTestKit.create("kabuto", config());
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(TIMEOUT, () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    return kit;
  }

  @Test
  void booksSurviveARestartOfTheActorSystem() throws IOException {
    long started = System.nanoTime();
    node = startNode();
    ActorRef<ShardingEnvelope<Command>> region = OrderBook.init(node.system());

    Map<String, BookFlow.Oracle> oracles = new HashMap<>();
    Map<String, List<BookFlow.Step>> retries = new HashMap<>();
    Map<String, List<Accepted>> firstAnswers = new HashMap<>();
    Map<String, Depth> depths = new HashMap<>();
    Map<String, BookFlow> flows = new HashMap<>();
    int seed = 100;
    for (String sym : SYMBOLS) {
      BookFlow flow = new BookFlow(seed++, yen(2000), yen(0.5), 1);
      flows.put(sym, flow);
      BookFlow.Oracle oracle = new BookFlow.Oracle(BookRules.tse(sym, TickTable.TOPIX500, yen(2000))
          .withInitialPhase(Phase.CONTINUOUS));
      oracles.put(sym, oracle);
      retries.put(sym, new ArrayList<>());
      firstAnswers.put(sym, new ArrayList<>());
      // pipelined: all commands of the book sent at once, replies come back in order
      TestProbe<Response> probe = node.createTestProbe();
      List<Response> expected = new ArrayList<>();
      List<Command> sent = new ArrayList<>();
      for (int i = 0; i < COMMANDS_PER_BOOK; i++) {
        BookFlow.Step step = flow.next();
        Command cmd = step.apply(probe.getRef());
        expected.add(oracle.expect(step.apply(null)));
        sent.add(cmd);
        region.tell(new ShardingEnvelope<>(sym, cmd));
      }
      for (int i = 0; i < COMMANDS_PER_BOOK; i++) {
        Response actual = probe.expectMessageClass(Response.class, TIMEOUT);
        assertEquals(expected.get(i), actual, sym + " command " + i + ": " + sent.get(i));
        if (sent.get(i) instanceof PlaceOrder p && actual instanceof Accepted a && retries.get(sym).size() < 15) {
          retries.get(sym).add(r -> new PlaceOrder(p.orderId(), p.participant(), p.side(), p.type(), p.tif(),
              p.price(), p.qty(), p.stp(), p.time(), r));
          firstAnswers.get(sym).add(a);
        }
      }
      Depth d = depth(region, sym);
      assertEquals(oracle.book.stateHash(), d.stateHash(), sym);
      depths.put(sym, d);
    }
    try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
      assertTrue(files.findAny().isPresent(), "snapshots were written");
    }

    node.shutdownTestKit();
    node = null;

    // a new actor system on the same journal and snapshot dirs; sharding started the way a
    // node does it, through the RoleService registered for role "matching"
    node = startNode();
    RoleService matching = null;
    for (RoleService s : ServiceLoader.load(RoleService.class)) {
      if (s instanceof MatchingRoleService) matching = s;
    }
    assertEquals("matching", matching.role());
    matching.start(node.system());
    region = OrderBook.init(node.system());

    for (String sym : SYMBOLS) {
      assertEquals(depths.get(sym), depth(region, sym), sym + " recovered");
      TestProbe<Response> probe = node.createTestProbe();
      List<BookFlow.Step> rs = retries.get(sym);
      for (int i = 0; i < rs.size(); i++) {
        region.tell(new ShardingEnvelope<>(sym, rs.get(i).apply(probe.getRef())));
        assertEquals(firstAnswers.get(sym).get(i), probe.expectMessageClass(Response.class, TIMEOUT),
            sym + " retry " + i);
      }
      assertEquals(depths.get(sym), depth(region, sym), sym + " unchanged by retries");
      // and the recovered book keeps trading exactly like the core
      BookFlow flow = flows.get(sym);
      for (int i = 0; i < 30; i++) {
        BookFlow.Step step = flow.next();
        Response expected = oracles.get(sym).expect(step.apply(null));
        region.tell(new ShardingEnvelope<>(sym, step.apply(probe.getRef())));
        assertEquals(expected, probe.expectMessageClass(Response.class, TIMEOUT), sym + " after recovery " + i);
      }
      assertEquals(oracles.get(sym).book.stateHash(), depth(region, sym).stateHash());
    }
    System.out.printf("OrderBookLevelDbTest: %d commands, restart and checks in %d ms%n",
        SYMBOLS.size() * (COMMANDS_PER_BOOK + 30), (System.nanoTime() - started) / 1_000_000);
  }

  private static Depth depth(ActorRef<ShardingEnvelope<Command>> region, String sym) {
    TestProbe<Response> probe = node.createTestProbe();
    region.tell(new ShardingEnvelope<>(sym, new GetDepth(20, probe.getRef())));
    return assertInstanceOf(Depth.class, probe.expectMessageClass(Response.class, TIMEOUT));
  }
}
