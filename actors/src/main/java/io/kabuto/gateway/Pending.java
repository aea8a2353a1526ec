package io.kabuto.gateway;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.ParticipantSession.Command;
import io.kabuto.gateway.ParticipantSession.Reply;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A request to a book in flight. {@code remember}: a cancel or replace, whose answer a resend
 * of its ClOrdID gets again. {@code then}: instead of answering, continue with the book's
 * response.
 */
record Pending(String clOrdId, String symbol, long orderId,
    Function<ActorRef<OrderBook.Response>, OrderBook.Command> command, ActorRef<Reply> replyTo,
    long deadlineNanos, int attempt, boolean remember,
    Function<OrderBook.Response, Behavior<Command>> then) {
  Pending next() {
    return new Pending(clOrdId, symbol, orderId, command, replyTo, deadlineNanos, attempt + 1,
        remember, then);
  }

  Pending withThen(Function<OrderBook.Response, Behavior<Command>> next) {
    return new Pending(clOrdId, symbol, orderId, command, replyTo, deadlineNanos, attempt,
        remember, next);
  }
}
