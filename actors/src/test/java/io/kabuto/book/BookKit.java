package io.kabuto.book;

import static io.kabuto.book.BookFlow.yen;

import io.kabuto.book.OrderBook.Command;
import io.kabuto.book.OrderBook.Event;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.book.OrderBook.State;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** One order book entity under the event-sourced test kit, and the commands the book tests send it. */
final class BookKit {
  private BookKit() {}

  static EventSourcedBehaviorTestKit<Command, Event, State> create(ActorSystem<?> system, String symbol) {
    return EventSourcedBehaviorTestKit.create(system, OrderBook.create(symbol),
        // State holds the live core book; what is persisted and snapshotted is checked instead
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  static Response run(EventSourcedBehaviorTestKit<Command, Event, State> kit, BookFlow.Step step) {
    return kit.<Response>runCommand(step::apply).reply();
  }

  /** A limit DAY order at {@code price} yen, sent at time 1000 + id. */
  static Response place(EventSourcedBehaviorTestKit<Command, Event, State> kit, long id, int part,
      Side side, double price, long qty, SelfTradePrevention stp) {
    return run(kit, r -> new PlaceOrder(id, part, side, OrderType.LIMIT, TimeInForce.DAY, yen(price), qty,
        stp, 1000 + id, r));
  }

  static Response place(EventSourcedBehaviorTestKit<Command, Event, State> kit, long id, int part,
      Side side, double price, long qty) {
    return place(kit, id, part, side, price, qty, SelfTradePrevention.NONE);
  }
}
