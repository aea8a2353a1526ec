package io.kabuto.gateway.fix;

import io.kabuto.book.BookSettings;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.matching.Phase;
import io.kabuto.persistence.node.Asks;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import quickfix.SessionID;
import quickfix.field.Text;
import quickfix.field.TradSesStatus;
import quickfix.field.TradingSessionID;
import quickfix.fix44.TradingSessionStatus;

/** TradingSessionStatus (35=h) messages: the market's phase and halts, in FIX terms. */
final class TradingSessionStatuses {
  /** TradingSessionID (336) of every status: the exchange has one trading session. */
  static final String TRADING_SESSION = "KABUTO";

  private final ActorSystem<?> system;

  TradingSessionStatuses(ActorSystem<?> system) {
    this.system = system;
  }

  /** On logon: the phase of the first listed book. */
  void sendPhase(SessionID sid) {
    Optional<String> first;
    try {
      first = BookSettings.fromConfig(system.settings().config()).listedSymbols().stream()
          .sorted().findFirst();
    } catch (RuntimeException e) {
      first = Optional.empty();
    }
    if (first.isEmpty()) {
      return;
    }
    String symbol = first.get();
    Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(
        Gateway.get(system).books(), r -> new ShardingEnvelope<>(symbol,
            new OrderBook.GetDepth(1, r)), Duration.ofSeconds(3), system)
        .whenComplete((resp, failure) -> {
          if (resp instanceof OrderBook.Depth d && d.phase() != null) {
            TradingSessionStatus ts = new TradingSessionStatus(
                new TradingSessionID(TRADING_SESSION), new TradSesStatus(status(d.phase())));
            ts.set(new Text("phase " + d.phase() + " (book " + symbol + ")"));
            FixSessions.send(ts, sid);
          }
        });
  }

  static int status(Phase p) {
    return switch (p) {
      case CONTINUOUS -> TradSesStatus.OPEN;
      case PRE_OPEN -> TradSesStatus.PRE_OPEN;
      case PRE_CLOSE -> TradSesStatus.PRE_CLOSE;
      case HALTED, BREAK -> TradSesStatus.HALTED;
      default -> TradSesStatus.CLOSED;
    };
  }
}
