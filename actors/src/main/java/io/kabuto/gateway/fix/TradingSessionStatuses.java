package io.kabuto.gateway.fix;

import io.kabuto.book.BookSettings;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.market.MarketHalts;
import io.kabuto.matching.Phase;
import io.kabuto.persistence.node.Asks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import quickfix.SessionID;
import quickfix.field.Text;
import quickfix.field.TradSesStatus;
import quickfix.field.TradingSessionID;
import quickfix.field.TradingSessionSubID;
import quickfix.field.UnsolicitedIndicator;
import quickfix.fix44.TradingSessionStatus;

/**
 * TradingSessionStatus (35=h) messages: the market's phase and halts, in FIX terms.
 * TradingSessionID (336) is always {@value #TRADING_SESSION}; a status about one symbol (its
 * halt or resumption) names it in TradingSessionSubID (625): FIX 4.4's TradingSessionStatus has
 * no Instrument block, so a Symbol (55) would fail a broker's data-dictionary validation.
 */
final class TradingSessionStatuses {
  static final String TRADING_SESSION = "KABUTO";

  private final ActorSystem<?> system;
  private final FixSessions sessions;
  private volatile MarketHalts.Table halts = MarketHalts.Table.EMPTY;

  TradingSessionStatuses(ActorSystem<?> system, FixSessions sessions) {
    this.system = system;
    this.sessions = sessions;
  }

  List<String> listedSymbols() {
    try {
      return BookSettings.fromConfig(system.settings().config()).listedSymbols().stream()
          .sorted().toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** On logon: the phase of the first listed book, then every halt in force. */
  void onLogon(SessionID sid) {
    Optional<String> first = listedSymbols().stream().findFirst();
    if (first.isEmpty()) {
      sendHalts(sid);
      return;
    }
    String symbol = first.get();
    Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(
        Gateway.get(system).books(), r -> new ShardingEnvelope<>(symbol,
            new OrderBook.GetDepth(1, r)), Duration.ofSeconds(3), system)
        .whenComplete((resp, failure) -> {
          if (resp instanceof OrderBook.Depth d && d.phase() != null) {
            sessions.send(tss(null, status(d.phase()), "phase " + d.phase() + " (book "
                + symbol + ")"), sid);
          }
          sendHalts(sid);
        });
  }

  private void sendHalts(SessionID sid) {
    MarketHalts.Table t = halts;
    for (String scope : t.inForce()) {
      MarketHalts.Entry e = t.entries().get(scope);
      sessions.send(haltStatus(scope, true, e.reason(), null), sid);
    }
  }

  void haltsInForce(MarketHalts.Table t) {
    halts = t;
  }

  /** A halt or resumption of {@code scope} ({@link MarketHalts#MARKET} or a symbol). */
  void halt(String scope, boolean halted, String reason, Phase phase) {
    toAll(haltStatus(scope, halted, reason, phase));
  }

  void phase(Phase phase, String symbol) {
    toAll(tss(null, status(phase), "phase " + phase + " (book " + symbol + ")"));
  }

  private TradingSessionStatus haltStatus(String scope, boolean halted, String reason,
      Phase phase) {
    String sub = MarketHalts.MARKET.equals(scope) ? null : scope;
    String what = sub == null ? "market-wide trading halt" : "trading halt of " + sub;
    String text = halted ? what + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
        : what + " lifted";
    int status = halted ? TradSesStatus.HALTED
        : phase == null ? TradSesStatus.OPEN : status(phase);
    return tss(sub, status, text);
  }

  private static TradingSessionStatus tss(String subId, int status, String text) {
    TradingSessionStatus ts = new TradingSessionStatus(new TradingSessionID(TRADING_SESSION),
        new TradSesStatus(status));
    if (subId != null) {
      ts.set(new TradingSessionSubID(subId));
    }
    ts.set(new UnsolicitedIndicator(true));
    ts.set(new Text(text));
    return ts;
  }

  private void toAll(TradingSessionStatus ts) {
    for (SessionID sid : sessions.loggedOnSessions()) {
      sessions.send(ts, sid);
    }
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
