package io.kabuto.gateway.fix;

import io.kabuto.testing.FreePorts;
import static io.kabuto.gateway.fix.FixClient.str;
import static io.kabuto.gateway.fix.FixClient.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import quickfix.Message;
import quickfix.field.ClOrdID;
import quickfix.field.ExecType;
import quickfix.field.MsgType;
import quickfix.field.PossResend;
import quickfix.field.Side;
import quickfix.fix44.NewOrderSingle;

/**
 * A broker's gateway node dies and the broker logs on to another one with the same
 * SenderCompID and no ResetOnLogon: one matching + storage node and two gateway nodes in one
 * JVM, a stock QuickFIX/J initiator configured with both gateway ports (its own failover).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FixFailoverTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final List<KabutoNode> nodes = new ArrayList<>();
  static Path tmp;


  static KabutoNode start(String name, List<String> roles, int port, int seedPort, int fixPort)
      throws Exception {
    Path conf = tmp.resolve(name + ".conf");
    Files.writeString(conf, """
        kabuto.node.name = %s
        kabuto.storage.replicas = [core]
        kabuto.gateway.fix.port = %d
        kabuto.book.allow-unlisted-symbols = off
        kabuto.book.symbols { "F1" { base-price = "2000", tick-table = TOPIX500, lot-size = 100 } }
        kabuto.gateway.participants {
          FAILOVER { id = 7, password = "failover", token = "failover-token",
                     rate-per-second = 1000, max-order-qty = 1000000,
                     max-notional-yen = 1000000000, cancel-on-disconnect = off }
        }
        """.formatted(name, fixPort));
    KabutoNode n = KabutoNode.start(NodeConfig.build(new NodeConfig.Options().roles(roles)
        .port(port).seeds(List.of("127.0.0.1:" + seedPort)).dataDir(tmp.resolve(name))
        .configFile(conf)));
    nodes.add(n);
    n.up().toCompletableFuture().get(90, TimeUnit.SECONDS);
    return n;
  }

  @AfterAll
  static void stop() {
    for (KabutoNode n : nodes) {
      n.terminate();
      n.awaitTermination(Duration.ofSeconds(30));
    }
  }

  static NewOrderSingle nos(String clOrdId, char side, String price, long qty) {
    return FixAcceptorTest.nos(clOrdId, "F1", side, price, qty);
  }

  static Message er(FixClient c, String clOrdId, char execType) throws InterruptedException {
    return c.await(type(MsgType.EXECUTION_REPORT, ClOrdID.FIELD, clOrdId)
        .and(m -> String.valueOf(execType).equals(str(m, ExecType.FIELD))), WAIT);
  }

  @Test
  void a_broker_fails_over_to_another_gateway_without_a_sequence_reset() throws Exception {
    tmp = Files.createTempDirectory("kabuto-fix-failover");
    int corePort = FreePorts.next();
    int fix1 = FreePorts.next();
    int fix2 = FreePorts.next();
    start("core", List.of("matching", "storage"), corePort, corePort, FreePorts.next());
    KabutoNode g1 = start("gw-1", List.of("gateway"), 0, corePort, fix1);
    start("gw-2", List.of("gateway"), 0, corePort, fix2);
    String run = Long.toString(System.nanoTime(), 36);

    try (FixClient broker = new FixClient("FAILOVER", "failover", tmp.resolve("client"), false,
        fix1, fix2)) {
      assertTrue(broker.awaitLogon(WAIT), "logged on to gateway 1");
      String rest = "REST-" + run;
      broker.send(nos(rest, Side.SELL, "2000", 300));
      er(broker, rest, ExecType.NEW);
      for (int i = 0; i < 2; i++) {
        String b = "B" + i + "-" + run;
        broker.send(nos(b, Side.BUY, "2000", 100)); // trades with the resting sell
        er(broker, b, ExecType.TRADE);
      }
      String inFlight = "IF-" + run;
      broker.send(nos(inFlight, Side.BUY, "1990", 100));
      Message firstReport = er(broker, inFlight, ExecType.NEW);
      int seenFromExchange = broker.session().getExpectedTargetNum();
      int sentToExchange = broker.session().getExpectedSenderNum();
      assertTrue(seenFromExchange > 3 && sentToExchange > 3);

      broker.expectLogon();
      g1.terminate();
      assertTrue(g1.awaitTermination(Duration.ofSeconds(60)), "gateway 1 stopped");
      assertTrue(broker.awaitLogon(Duration.ofSeconds(120)), "logged on to gateway 2");
      for (Message logon : broker.sentAdmin()) {
        if (MsgType.LOGON.equals(str(logon.getHeader(), 35))) {
          assertTrue(str(logon, 141) == null || "N".equals(str(logon, 141)),
              "no ResetSeqNumFlag: " + logon);
        }
      }
      assertTrue(broker.received().stream().noneMatch(m ->
              MsgType.SEQUENCE_RESET.equals(str(m.getHeader(), 35)) && !"Y".equals(str(m, 123))),
          "no SequenceReset-Reset, only gap fills: " + broker.received());
      assertTrue(broker.session().getExpectedTargetNum() >= seenFromExchange,
          "the exchange's sequence went on from " + seenFromExchange + ": "
              + broker.session().getExpectedTargetNum());

      // The order whose report the broker might have missed, resent as the application does
      // (PossResend: QuickFIX/J's send drops PossDupFlag, which is for session resends).
      NewOrderSingle again = nos(inFlight, Side.BUY, "1990", 100);
      again.getHeader().setField(new PossResend(true));
      broker.send(again);
      Message status = er(broker, inFlight, ExecType.ORDER_STATUS);
      assertEquals("0", str(status, 39), "the original order, still new");
      assertEquals(str(firstReport, 37), str(status, 37), "the same OrderID");
      assertEquals(100.0, Double.parseDouble(str(status, 151)));
      assertEquals(100, FixAcceptorTest.bids(nodes.get(0), "F1", 19_900),
          "one order on the book, not two");

      // And trading goes on through gateway 2.
      String next = "N-" + run;
      broker.send(nos(next, Side.BUY, "2000", 100));
      Message fill = er(broker, next, ExecType.TRADE);
      assertNotNull(str(fill, 17));
      assertEquals(100.0, Double.parseDouble(str(fill, 32)));
    }
  }
}
