package io.kabuto.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.book.OrderBook;
import io.kabuto.matching.EventType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.Side;
import io.kabuto.persistence.journal.StorageReplicas;
import io.kabuto.persistence.node.Asks;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarketHaltTest {
  private static MarketTestNode n;

  @BeforeAll
  static void start() throws Exception {
    n = new MarketTestNode("""
        kabuto.book.symbols {
          "R1" { base-price = "2000", tick-table = TOPIX500, lot-size = 100, initial-phase = PRE_OPEN }
        }
        kabuto.market.tick-interval = 200ms
        kabuto.market.rules.storage-quorum-lost-halt-after = 2s
        """);
  }

  @AfterAll
  static void stop() {
    if (n != null) n.close();
  }

  private static MarketOps.Confirmation halt(String symbol) throws Exception {
    return MarketOps.halt(n.system, symbol, "test", "operator", Duration.ofSeconds(10))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static MarketSupervisor.Resumed resume(String symbol, Phase phase) throws Exception {
    return AskPattern.<MarketSupervisor.Command, MarketSupervisor.Resumed>ask(
            MarketSupervisor.init(n.system), r -> new MarketSupervisor.Resume(symbol, phase, "test", r),
            Duration.ofSeconds(30), n.system.scheduler())
        .toCompletableFuture().get(40, TimeUnit.SECONDS);
  }

  private static void assertHalted(OrderBook.Response r) {
    assertEquals(Reject.MARKET_HALTED, assertInstanceOf(OrderBook.Rejected.class, r).code(), r.toString());
  }

  private static boolean traded(OrderBook.Response r) {
    return assertInstanceOf(OrderBook.Accepted.class, r).events().stream()
        .anyMatch(e -> e.type() == EventType.TRADE);
  }

  @Test
  @Order(1)
  void symbolHaltStopsThatBookWhileAnotherTrades() throws Exception {
    OrderBook.Response resting = n.place("7203", Side.BUY, 1990, 100);
    long restingId = assertInstanceOf(OrderBook.Accepted.class, resting).orderId();
    MarketOps.Confirmation c = halt("7203");
    assertTrue(c.confirmed(), c.toString());
    assertEquals(1, c.nodes().size(), c.toString());

    assertHalted(n.place("7203", Side.BUY, 2000, 100));
    // the gateway refuses it too, before it reaches the book
    var gateway = io.kabuto.gateway.Gateway.get(n.system);
    var session = gateway.session(gateway.settings().participants().get("BROKER1"));
    io.kabuto.gateway.ParticipantSession.Reply atGateway = AskPattern.<
            io.kabuto.gateway.ParticipantSession.Command, io.kabuto.gateway.ParticipantSession.Reply>ask(
            session, r -> new io.kabuto.gateway.ParticipantSession.NewOrder("H-1", "7203", Side.BUY,
                io.kabuto.matching.OrderType.LIMIT, io.kabuto.matching.TimeInForce.DAY, 20_000, 100,
                4, r),
            Duration.ofSeconds(10), n.system.scheduler()).toCompletableFuture().get();
    assertEquals(io.kabuto.gateway.GatewayReject.MARKET_HALTED,
        assertInstanceOf(io.kabuto.gateway.ParticipantSession.Refused.class, atGateway).code());
    assertHalted(n.ask("7203", r -> new OrderBook.ModifyOrder(restingId, -1, 19950, 100, 2, r)));
    assertHalted(n.ask("7203", r -> new OrderBook.Clock(5, r)));
    // cancels still pass
    assertInstanceOf(OrderBook.Accepted.class, n.ask("7203", r -> new OrderBook.CancelOrder(restingId, -1, 3, r)));

    assertInstanceOf(OrderBook.Accepted.class, n.place("6758", Side.SELL, 3000, 100));
    assertTrue(traded(n.place("6758", Side.BUY, 3000, 100)), "6758 must keep trading");

    MarketSupervisor.Resumed res = resume("7203", null);
    assertTrue(res.ok(), res.toString());
    assertInstanceOf(OrderBook.Accepted.class, n.place("7203", Side.SELL, 2010, 100));
    assertEquals(Phase.CONTINUOUS, n.depth("7203").phase());
  }

  @Test
  @Order(2)
  void resumeTradesByItayose() throws Exception {
    assertEquals(Phase.PRE_OPEN, n.depth("R1").phase());
    assertInstanceOf(OrderBook.Accepted.class, n.place("R1", Side.BUY, 2000, 100));
    assertInstanceOf(OrderBook.Accepted.class, n.place("R1", Side.SELL, 2000, 100));
    assertTrue(halt("R1").confirmed());
    // the opening would run the itayose: refused while halted
    assertHalted(n.ask("R1", r -> new OrderBook.SetPhase(Phase.CONTINUOUS, 10, r)));
    assertEquals(0, n.depth("R1").volume());

    MarketSupervisor.Resumed res = resume("R1", Phase.CONTINUOUS);
    assertTrue(res.ok(), res.toString());
    OrderBook.Depth d = n.depth("R1");
    assertEquals(Phase.CONTINUOUS, d.phase());
    assertEquals(100, d.volume(), "the resumption itayose trades the crossed orders: " + res);
    assertTrue(res.books().get("R1").contains("1 trades"), res.toString());
  }

  @Test
  @Order(3)
  void marketHaltConfirmedThenNothingExecutesAnywhere() throws Exception {
    long before = n.depth("8306").volume();
    MarketOps.Confirmation c = halt(null);
    assertTrue(c.confirmed(), c.toString());
    for (String sym : new String[] {"8306", "6758", "R1"}) {
      assertHalted(n.place(sym, Side.SELL, sym.equals("6758") ? 3000 : sym.equals("R1") ? 2000 : 1500, 100));
    }
    assertHalted(n.place("8306", Side.BUY, 1500, 100));
    assertEquals(before, n.depth("8306").volume());
    var status = MarketRoutes.status(n.system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(true, status.get("confirmed"), status.toString());

    MarketSupervisor.Resumed res = resume(null, null);
    assertTrue(res.ok(), res.toString());
    assertInstanceOf(OrderBook.Accepted.class, n.place("8306", Side.SELL, 1500, 100));
    assertTrue(traded(n.place("8306", Side.BUY, 1500, 100)), "trades again after the resume");
  }

  @Test
  @Order(4)
  void haltWorksWithEveryStorageNodeDownAndTheQuorumRuleHaltsTheMarket() throws Exception {
    var replicas = StorageReplicas.get(n.system);
    assertTrue(replicas.health().quorumVisible(), replicas.health().toString());
    for (var ref : replicas.visible().values()) {
      Asks.<StorageNode.Command, StorageProtocol.AckReply>ask(ref,
          r -> new StorageNode.InjectFault(StorageProtocol.Fault.HANG, 0, r), Duration.ofSeconds(3), n.system)
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    MarketOps.Confirmation c = halt("9984");
    assertTrue(c.confirmed(), c.toString());
    assertHalted(n.place("9984", Side.BUY, 8000, 100));

    // the rule written in advance: storage quorum lost for 2 s -> market-wide halt
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    MarketHalts.Entry e = null;
    while (System.nanoTime() < deadline) {
      e = MarketOps.readHalts(n.system).toCompletableFuture().get(5, TimeUnit.SECONDS).entries().get(MarketHalts.MARKET);
      if (e != null && e.halted() && e.by().equals("rule:storage-quorum")) break;
      Thread.sleep(200);
    }
    assertTrue(e != null && e.halted() && e.by().equals("rule:storage-quorum"), String.valueOf(e));
    MarketOps.Confirmation mc = MarketOps.awaitConfirmed(n.system, e.generation(), Duration.ofSeconds(10))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertTrue(mc.confirmed(), mc.toString());
    assertHalted(n.place("4565", Side.BUY, 450, 100));

    for (var ref : replicas.visible().values()) {
      ref.tell(new StorageNode.InjectFault(StorageProtocol.Fault.CLEAR, 0, n.system.ignoreRef()));
    }
  }
}
