package io.kabuto.book;

import io.kabuto.book.OrderBook.Busted;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.State;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.marketdata.MarketDataRing;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * What a book publishes after a write (see "Market data" and "Unsolicited executions" in {@link
 * OrderBook}): the market-data messages the event handler derived, and every event about a
 * participant's order that was not in the reply to the command's sender, as a {@link
 * BookTopics.OwnExecution} on that participant's executions topic. Only the command's side
 * effect calls it, after the write and never from the event handler, so a replay republishes
 * nothing.
 */
final class BookPublisher {
  private final String symbol;
  private final BookTopics topics;

  BookPublisher(String symbol, BookTopics topics) {
    this.symbol = symbol;
    this.topics = topics;
  }

  /**
   * After a write: the market-data messages the event handler derived from it, i.e. the ring's
   * messages from {@code fromSeq} on. A write that made more messages than the ring retains
   * publishes only the retained ones; a subscriber sees the gap and resynchronises (see {@link
   * io.kabuto.marketdata.MarketDataFeed}).
   */
  void marketData(State st, long fromSeq) {
    MarketDataRing ring = st.feed.ring();
    if (ring.lastSeq() < fromSeq) return;
    ActorRef<Topic.Command<MarketDataMessage>> t = topics.marketData(symbol);
    for (MarketDataMessage m : ring.page(fromSeq, Integer.MAX_VALUE)) {
      t.tell(Topic.publish(m));
      if (m.kind() == MarketDataMessage.Kind.STATUS) topics.tradingStatus().tell(Topic.publish(m));
    }
  }

  /**
   * After Applied event {@code seq} was written: every event not about {@code replyOrderId} (the
   * order whose events the reply carries, or 0) to its owner.
   */
  void applied(long seq, List<EventData> events, long replyOrderId) {
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      switch (e.type()) {
        case TRADE -> {
          if (e.orderId() != replyOrderId) ownExecution(seq, i, e.orderId(), e.participant(), e);
          if (e.otherOrderId() != replyOrderId) ownExecution(seq, i, e.otherOrderId(), e.otherParticipant(), e);
        }
        case ACCEPTED, RESTED, CANCELLED, REPLACED -> {
          if (e.orderId() != replyOrderId) ownExecution(seq, i, e.orderId(), e.participant(), e);
        }
        case PHASE, SPECIAL_QUOTE -> { } // about the book, not an order: on the feed
      }
    }
  }

  /** After a Busted event was written: the trade with the reason to both sides. */
  void busted(Busted b, EventData t) {
    topics.executions(t.participant()).tell(Topic.publish(new BookTopics.OwnExecution(symbol,
        b.seq(), 0, t.orderId(), t.participant(), t, b.reason())));
    topics.executions(t.otherParticipant()).tell(Topic.publish(new BookTopics.OwnExecution(symbol,
        b.seq(), 0, t.otherOrderId(), t.otherParticipant(), t, b.reason())));
  }

  /** An unsequenced notice (a halt or resume: never persisted, so not in the sequence). */
  void notice(MarketDataMessage m) {
    topics.marketData(symbol).tell(Topic.publish(m));
    topics.tradingStatus().tell(Topic.publish(m));
  }

  private void ownExecution(long seq, int index, long orderId, int participant, EventData e) {
    topics.executions(participant).tell(Topic.publish(
        new BookTopics.OwnExecution(symbol, seq, index, orderId, participant, e, null)));
  }
}
