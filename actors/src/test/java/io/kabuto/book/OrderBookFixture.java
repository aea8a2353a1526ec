package io.kabuto.book;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Depth;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.GetDepth;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.EventType;
import io.kabuto.matching.TickTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The settings and helpers {@link OrderBookTest} and {@link OrderBookRecoveryTest} share. */
final class OrderBookFixture {
  private OrderBookFixture() {}

  static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
      kabuto.book {
        snapshot-every = 7
        keep-snapshots = 2
        persist-failure-backoff { min = 10ms, max = 100ms }
        fault.crash-on-quantity = 777
        defaults { base-price = "2000", tick-table = TOPIX500 }
        symbols {
          "7203" { base-price = 2000, tick-table = TOPIX500 }
          "9984" { base-price = "1000", tick-table = STANDARD, lot-size = 100 }
          "BAD" { base-price = "2000.3" }
        }
      }
      """).withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()).resolve();

  private static final AtomicInteger SYMBOLS = new AtomicInteger();

  /** TOPIX500 at 2000 yen: 0.5-yen ticks, daily limits 1500..2500 yen. */
  static final BookRules RULES = BookRules.tse("X", TickTable.TOPIX500, BookFlow.yen(2000));

  /** A fresh unlisted symbol, i.e. the defaults (same grid as RULES). */
  static String freshSymbol() {
    return "T" + SYMBOLS.incrementAndGet();
  }

  static EventSourcedBehaviorTestKit<Command, Event, State> kit(ActorTestKit testKit, String symbol) {
    return BookKit.create(testKit.system(), symbol);
  }

  static Depth depth(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    return (Depth) BookKit.run(kit, r -> new GetDepth(10, r));
  }

  static List<EventType> types(Response r) {
    List<EventType> t = new ArrayList<>();
    for (EventData e : assertInstanceOf(Accepted.class, r).events()) t.add(e.type());
    return t;
  }
}
