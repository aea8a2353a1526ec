package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.node.ConfigAudit;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * kabuto.book.legacy-primary-of: the listed books run on the node itself and journal under the
 * same persistence id as the sharded book (so they are a second incarnation of it); every other
 * command still goes to the sharding region; the audit reports the setting as an error.
 */
class LegacyPrimariesTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.book {
        legacy-primary-of = ["7203"]
        defaults { base-price = "2000", tick-table = TOPIX500 }
      }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve();

  private static final ActorTestKit testKit = ActorTestKit.create("LegacyPrimariesTest", CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static PlaceOrder buy(long id, ActorRef<Response> replyTo) {
    return new PlaceOrder(id, 1, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, yen(1990), 100,
        SelfTradePrevention.NONE, 0, replyTo);
  }

  @Test
  void listedSymbolsRunLocallyUnderTheShardedPersistenceIdAndTheRestGoToTheRegion() {
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    TestProbe<ShardingEnvelope<OrderBook.Command>> region = testKit.createTestProbe();
    ActorRef<ShardingEnvelope<OrderBook.Command>> books = LegacyPrimaries.route(testKit.system(), region.getRef());
    TestProbe<Response> replies = testKit.createTestProbe();

    books.tell(new ShardingEnvelope<>("7203", buy(1, replies.getRef())));
    assertInstanceOf(OrderBook.Accepted.class, replies.receiveMessage(java.time.Duration.ofSeconds(10)));
    region.expectNoMessage(java.time.Duration.ofMillis(200));
    assertTrue(journal.persistedInStorage(OrderBook.persistenceId("7203").id()).size() >= 1,
        "the local book journals as the sharded one would");

    PlaceOrder other = buy(2, replies.getRef());
    books.tell(new ShardingEnvelope<>("6758", other));
    ShardingEnvelope<OrderBook.Command> passed = region.receiveMessage();
    assertEquals("6758", passed.entityId());
    assertSame(other, passed.message());
  }

  @Test
  void withoutTheSettingTheGatewayUsesTheRegionItself() {
    ActorTestKit plain = ActorTestKit.create("LegacyPrimariesPlain");
    try {
      TestProbe<ShardingEnvelope<OrderBook.Command>> region = plain.createTestProbe();
      assertSame(region.getRef(), LegacyPrimaries.route(plain.system(), region.getRef()));
    } finally {
      plain.shutdownTestKit();
    }
  }

  @Test
  void theAuditCallsItAnError() {
    List<ConfigAudit.Finding> findings = ConfigAudit.check(CONFIG, false);
    assertTrue(findings.stream().anyMatch(f -> f.severity() == ConfigAudit.Severity.ERROR
        && f.key().equals(LegacyPrimaries.KEY) && f.problem().contains("7203")), findings.toString());
    assertTrue(ConfigAudit.check(ConfigFactory.load(), false).stream()
        .noneMatch(f -> f.key().equals(LegacyPrimaries.KEY)));
  }

  @Test
  void shardingsEntityOfAListedSymbolOnThisNodeIsTheLocalBookNotASecondIncarnation() {
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    TestProbe<ShardingEnvelope<OrderBook.Command>> region = testKit.createTestProbe();
    ActorRef<ShardingEnvelope<OrderBook.Command>> books = LegacyPrimaries.route(testKit.system(), region.getRef());
    ActorRef<OrderBook.Command> sharded = testKit.spawn(LegacyPrimaries.shardedEntity(testKit.system(), "7203"));
    TestProbe<Response> replies = testKit.createTestProbe();
    sharded.tell(buy(77, replies.getRef()));
    OrderBook.Accepted first = replies.expectMessageClass(OrderBook.Accepted.class, java.time.Duration.ofSeconds(10));
    int written = journal.persistedInStorage(OrderBook.persistenceId("7203").id()).size();
    // the same order again through the gateway's path: the one book knows it and writes nothing
    books.tell(new ShardingEnvelope<>("7203", buy(77, replies.getRef())));
    replies.expectMessageClass(OrderBook.Response.class, java.time.Duration.ofSeconds(10));
    assertEquals(written, journal.persistedInStorage(OrderBook.persistenceId("7203").id()).size(),
        "a second incarnation would have accepted order 77 again");
    assertEquals(77, first.orderId());
  }
}
