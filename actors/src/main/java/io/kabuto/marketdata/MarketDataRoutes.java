package io.kabuto.marketdata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.market.MarketClock;
import io.kabuto.market.MarketSettings;
import io.kabuto.matching.Prices;
import io.kabuto.persistence.node.Asks;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The market-data routes of the HTTP gateway (wired into {@code HttpGateway}, same tokens and
 * error shape {@code {"error": reason, "code": CODE}}):
 *
 * <ul>
 *   <li>{@code GET /market-data/{symbol}[?from=N][&limit=M]} (participant token): the retained
 *       messages from sequence N (default 1) on, at most M (1..1000, default 100), with {@code
 *       firstRetained} and {@code lastSeq}; a {@code reset} field when N is older than the book
 *       keeps;
 *   <li>WebSocket {@code /ws/market-data/{symbol}[?from=N]} (participant token, header or {@code
 *       ?token=}): the gap-free feed from N (default: from the next message), one JSON object per
 *       message, through this node's {@link MarketDataFeed}. A client more than {@value
 *       #WS_BUFFER} messages behind is disconnected and resumes with {@code ?from=};
 *   <li>{@code POST /admin/trades/{symbol}/{tradeId}/bust} {@code {"reason": "..."}} (admin
 *       token): declares a trade of today invalid.
 * </ul>
 */
public final class MarketDataRoutes extends AllDirectives {
  static final int WS_BUFFER = 16_384;
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final int MAX_REASON = 500;
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9._-]{1,20}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final Gateway gateway;
  private final MarketClock clock;
  private final Duration askTimeout;

  public MarketDataRoutes(ActorSystem<?> system) {
    this.system = system;
    this.gateway = Gateway.get(system);
    this.clock = new MarketClock(MarketSettings.fromConfig(system.settings().config()));
    this.askTimeout = gateway.settings().attemptTimeout().plusSeconds(2);
  }

  public Route route() {
    return concat(
        path(PathMatchers.segment("market-data").slash(PathMatchers.segment()), sym ->
            get(() -> participant(() -> parameterOptional("from", from ->
                parameterOptional("limit", limit -> page(sym, from, limit)))))),
        path(PathMatchers.segment("ws").slash("market-data").slash(PathMatchers.segment()), sym ->
            participant(() -> parameterOptional("from", from -> stream(sym, from)))),
        path(PathMatchers.segment("admin").slash("trades").slash(PathMatchers.segment())
                .slash(PathMatchers.segment()).slash("bust"), (sym, tradeId) ->
            post(() -> admin(() -> bust(sym, tradeId)))));
  }

  // ---------------------------------------------------------------- feed

  private Route page(String symbol, Optional<String> fromParam, Optional<String> limitParam) {
    if (!SYMBOL.matcher(symbol).matches()) return badSymbol();
    long from = number(fromParam, 1);
    if (from < 1) return bad("from must be a sequence number >= 1");
    long limit = number(limitParam, 100);
    if (limit < 1 || limit > OrderBook.MAX_MARKET_DATA_PAGE) {
      return bad("limit must be 1.." + OrderBook.MAX_MARKET_DATA_PAGE);
    }
    return onSuccess(askBook(symbol, r -> new OrderBook.GetMarketData(from, (int) limit, r)), r ->
        r instanceof OrderBook.MarketDataPage p ? json(StatusCodes.OK, MarketDataJson.page(p, from)) : failed(r));
  }

  private Route stream(String symbol, Optional<String> fromParam) {
    if (!SYMBOL.matcher(symbol).matches()) return badSymbol();
    long from = number(fromParam, 0);
    if (from < (fromParam.isPresent() ? 1 : 0)) return bad("from must be a sequence number >= 1");
    // the book is asked first, so an unknown symbol is a 404 before the upgrade
    return onSuccess(askBook(symbol, r -> new OrderBook.GetMarketData(Long.MAX_VALUE, 1, r)), r -> {
      if (!(r instanceof OrderBook.MarketDataPage)) return failed(r);
      Source<Message, NotUsed> feed = Source.<MarketDataMessage>actorRef(
              m -> Optional.<CompletionStrategy>empty(), m -> Optional.empty(), WS_BUFFER,
              OverflowStrategy.fail())
          .mapMaterializedValue(classic -> {
            ActorRef<MarketDataMessage> ref = Adapter.toTyped(classic);
            MarketDataFeeds.get(system).subscribe(symbol, from, ref);
            return NotUsed.getInstance();
          })
          .map(m -> (Message) TextMessage.create(write(MarketDataJson.message(m))));
      return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(Sink.ignore(), feed));
    });
  }

  // ---------------------------------------------------------------- bust

  private Route bust(String symbol, String tradeIdText) {
    if (!SYMBOL.matcher(symbol).matches()) return badSymbol();
    long tradeId = number(Optional.of(tradeIdText), -1);
    if (tradeId < 1) return bad("trade id must be a positive number");
    return withSizeLimit(MAX_BODY_BYTES, () -> entity(Unmarshaller.entityToString(), body -> {
      String reason;
      try {
        reason = reason(body);
      } catch (IllegalArgumentException e) {
        return bad(e.getMessage());
      }
      long now = clock.now();
      return onSuccess(askBook(symbol, r -> new OrderBook.BustTrade(tradeId, reason, now, r)), r -> {
        if (!(r instanceof OrderBook.Ack ack) || ack.events().isEmpty()) return failed(r);
        OrderBook.EventData t = ack.events().get(0);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("symbol", symbol);
        j.put("tradeId", t.tradeId());
        j.put("busted", true);
        j.put("price", Prices.format(t.price()));
        j.put("qty", t.qty());
        j.put("buyOrderId", Long.toString(t.orderId()));
        j.put("sellOrderId", Long.toString(t.otherOrderId()));
        j.put("reason", reason);
        return json(StatusCodes.OK, j);
      });
    }));
  }

  /** The {@code reason} of a bust body: the only field, a non-blank string. */
  private static String reason(String body) {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body must be JSON {\"reason\": \"...\"}: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) throw new IllegalArgumentException("body must be JSON {\"reason\": \"...\"}");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("reason")) throw new IllegalArgumentException("unknown field '" + clip(f) + "' (only \"reason\")");
    }
    JsonNode r = n.get("reason");
    if (r == null || !r.isTextual() || r.asText().isBlank()) {
      throw new IllegalArgumentException("\"reason\" is required: a non-empty string saying why the trade is invalid");
    }
    if (r.asText().length() > MAX_REASON) throw new IllegalArgumentException("reason above " + MAX_REASON + " characters");
    return r.asText().strip();
  }

  // ---------------------------------------------------------------- helpers

  private CompletionStage<Object> askBook(String symbol,
      Function<ActorRef<OrderBook.Response>, OrderBook.Command> command) {
    return Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(gateway.books(),
            r -> new ShardingEnvelope<>(symbol, command.apply(r)), askTimeout, system)
        .handle((r, e) -> r != null ? r : e);
  }

  /** The answer for anything but the expected reply: the book's refusal, or no answer. */
  private Route failed(Object r) {
    if (r instanceof OrderBook.Rejected rej) {
      StatusCode status = switch (rej.code()) {
        case UNKNOWN_SYMBOL, UNKNOWN_TRADE -> StatusCodes.NOT_FOUND;
        case INVALID_REQUEST -> StatusCodes.BAD_REQUEST;
        case INTERNAL_ERROR -> StatusCodes.SERVICE_UNAVAILABLE;
        default -> StatusCodes.UNPROCESSABLE_ENTITY;
      };
      return json(status, MarketDataJson.error(rej.code().name(), rej.reason()));
    }
    return json(StatusCodes.SERVICE_UNAVAILABLE, MarketDataJson.error("EXCHANGE_UNAVAILABLE",
        "the book did not answer (it may be failing over; retry): " + r));
  }

  /** A non-negative number parameter; {@code dflt} if absent, -1 if not a number. */
  private static long number(Optional<String> p, long dflt) {
    if (p.isEmpty()) return dflt;
    try {
      return Long.parseLong(p.get().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Route participant(Supplier<Route> inner) {
    return token(t -> {
      if (t.isEmpty()) return unauthorized("missing bearer token: send 'Authorization: Bearer TOKEN'");
      return gateway.byToken(t.get()).isPresent() ? inner.get() : unauthorized("unknown bearer token");
    });
  }

  private Route admin(Supplier<Route> inner) {
    return token(t -> {
      if (t.isEmpty()) return unauthorized("missing bearer token: admin operations need the admin token");
      if (!gateway.isAdmin(t.get())) {
        return json(StatusCodes.FORBIDDEN, MarketDataJson.error("FORBIDDEN", "admin operations need the admin token"));
      }
      return inner.get();
    });
  }

  /** The bearer token (header, or {@code ?token=} for WebSocket clients), as HttpGateway reads it. */
  private Route token(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Authorization", h -> parameterOptional("token", q -> {
      Optional<String> t = h.filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
          .map(v -> v.substring(7).trim());
      return inner.apply(t.isPresent() ? t : q);
    }));
  }

  private Route unauthorized(String reason) {
    return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"kabuto\""),
        () -> json(StatusCodes.UNAUTHORIZED, MarketDataJson.error("UNAUTHORIZED", reason)));
  }

  private Route badSymbol() {
    return bad("symbol must be 1-20 of A-Z a-z 0-9 . _ -");
  }

  private Route bad(String reason) {
    return json(StatusCodes.BAD_REQUEST, MarketDataJson.error("INVALID", reason));
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private Route json(StatusCode status, Object body) {
    return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, write(body)));
  }

  private static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
