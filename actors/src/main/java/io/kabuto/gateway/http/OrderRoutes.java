package io.kabuto.gateway.http;

import com.typesafe.config.Config;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.gateway.http.OrderJson.BadRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Order entry over HTTP ({@code POST /orders}, {@code DELETE|PATCH|GET /orders/{clOrdId}}) and
 * the participant's executions WebSocket: each request becomes a {@link ParticipantSession}
 * command, and the session's reply is answered with the status that fits it ({@link #status}).
 * The participant is already authenticated ({@link HttpGateway}).
 */
final class OrderRoutes extends GatewayRoutes {
  private static final String BAD_CLORDID = "ClOrdIDs are 1-64 printable ASCII characters";

  private final RequestBodies bodies;
  private final Duration rateLimitedDelay;

  OrderRoutes(GatewayRoutes shared, RequestBodies bodies) {
    super(shared);
    this.bodies = bodies;
    Config c = system.settings().config();
    this.rateLimitedDelay = c.hasPath("kabuto.gateway.http.rate-limited-delay")
        ? c.getDuration("kabuto.gateway.http.rate-limited-delay") : Duration.ofMillis(500);
  }

  Route newOrder(Participant p) {
    if (gateway.rate(p).empty(System.nanoTime())) {
      // Over the cap: refused before the body is read or parsed or the session asked, and
      // answered only after rate-limited-delay, so that a client looping on 429 over many
      // connections gets a bounded share of this node instead of all of it.
      return extractRequest(req -> {
        CompletionStage<Done> read = bodies.drained(req);
        CompletionStage<ParticipantSession.Reply> later = org.apache.pekko.pattern.Patterns.after(
            rateLimitedDelay, system.classicSystem().scheduler(), system.executionContext(),
            () -> read.thenApply(d -> new ParticipantSession.Refused(null,
                GatewayReject.RATE_LIMITED, p.overRateCap())));
        return onSuccess(later, r -> respondWithHeader(
            org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Retry-After", "1"),
            () -> json(StatusCodes.TOO_MANY_REQUESTS, ReplyJson.reply(r))));
      });
    }
    return bodies.body(bytes -> {
      OrderJson.NewOrderBody o;
      try {
        o = OrderJson.newOrder(bytes);
      } catch (BadRequest e) {
        return badRequest(e);
      }
      long now = clock.now();
      return answer(p, r -> new ParticipantSession.NewOrder(o.clOrdId(), o.symbol(), o.side(),
          o.type(), o.tif(), o.price(), o.qty(), now, r));
    });
  }

  private static boolean validSymbol(Optional<String> symbol) {
    return symbol.isEmpty() || OrderJson.SYMBOL.matcher(symbol.get()).matches();
  }

  /** {@code ?symbol=} finds an order placed through another gateway node (see the session). */
  Route cancel(Participant p, String clOrdId, Optional<String> cancelClOrdId,
      Optional<String> symbol) {
    if (!OrderJson.validClOrdId(clOrdId)
        || (cancelClOrdId.isPresent() && !OrderJson.validClOrdId(cancelClOrdId.get()))) {
      return badRequest(new BadRequest(BAD_CLORDID));
    }
    if (!validSymbol(symbol)) {
      return badRequest(new BadRequest(OrderJson.BAD_SYMBOL));
    }
    // The default cancel ClOrdID is derived, so a resent DELETE gets the first answer again.
    String id = cancelClOrdId.orElse("cancel:" + clOrdId);
    long now = clock.now();
    return answer(p, r -> new ParticipantSession.CancelOrder(id, clOrdId, symbol.orElse(null),
        now, r));
  }

  Route replace(Participant p, String origClOrdId, Optional<String> symbolParam) {
    if (!OrderJson.validClOrdId(origClOrdId)) {
      return badRequest(new BadRequest(BAD_CLORDID));
    }
    if (!validSymbol(symbolParam)) {
      return badRequest(new BadRequest(OrderJson.BAD_SYMBOL));
    }
    return bodies.body(bytes -> {
      OrderJson.ReplaceBody b;
      try {
        b = OrderJson.replace(bytes);
      } catch (BadRequest e) {
        return badRequest(e);
      }
      if (b.symbol() != null && symbolParam.isPresent() && !b.symbol().equals(symbolParam.get())) {
        return badRequest(new BadRequest("'symbol' in the body and ?symbol= differ"));
      }
      String symbol = b.symbol() != null ? b.symbol() : symbolParam.orElse(null);
      long now = clock.now();
      return answer(p, r -> new ParticipantSession.ReplaceOrder(b.clOrdId(), origClOrdId,
          symbol, b.price(), b.qty(), now, r));
    });
  }

  Route lookup(Participant p, String clOrdId, Optional<String> symbol) {
    if (!OrderJson.validClOrdId(clOrdId)) {
      return badRequest(new BadRequest(BAD_CLORDID));
    }
    if (!validSymbol(symbol)) {
      return badRequest(new BadRequest(OrderJson.BAD_SYMBOL));
    }
    return answer(p, r -> new ParticipantSession.GetOrder(clOrdId, symbol.orElse(null), r));
  }

  /** Asks the participant's session and answers its reply with the matching status. */
  private Route answer(Participant p,
      Function<ActorRef<ParticipantSession.Reply>, ParticipantSession.Command> command) {
    CompletionStage<ParticipantSession.Reply> reply = io.kabuto.persistence.node.Asks.askOnDispatcher(gateway.session(p),
        command::apply, askTimeout, system);
    return onSuccess(reply.handle((r, e) -> r != null ? r
            : new ParticipantSession.Refused(null, GatewayReject.EXCHANGE_UNAVAILABLE,
                GatewayReject.EXCHANGE_UNAVAILABLE.reason() + " (no answer in " + askTimeout + ")")),
        r -> busy(r)
            // Busy is a refusal of this request only: the client may resend it at once, but a
            // short pause helps the exchange catch up.
            ? respondWithHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                "Retry-After", "1"), () -> json(status(r), ReplyJson.reply(r)))
            : json(status(r), ReplyJson.reply(r)));
  }

  private static boolean busy(ParticipantSession.Reply r) {
    return r instanceof ParticipantSession.Refused f && f.code() == GatewayReject.EXCHANGE_BUSY;
  }

  static StatusCode status(ParticipantSession.Reply r) {
    if (r instanceof ParticipantSession.Refused f) {
      return switch (f.code()) {
        case RATE_LIMITED -> StatusCodes.TOO_MANY_REQUESTS;
        case KILL_SWITCH -> StatusCodes.FORBIDDEN;
        case DUPLICATE_CLORDID -> StatusCodes.CONFLICT;
        case QUANTITY_LIMIT, NOTIONAL_LIMIT, MARKET_HALTED -> StatusCodes.UNPROCESSABLE_ENTITY;
        case UNKNOWN_CLORDID -> StatusCodes.NOT_FOUND;
        case EXCHANGE_UNAVAILABLE, EXCHANGE_BUSY -> StatusCodes.SERVICE_UNAVAILABLE;
        case INVALID -> StatusCodes.BAD_REQUEST;
      };
    }
    if (r instanceof ParticipantSession.Answer a && a.book() instanceof OrderBook.Rejected rej) {
      return switch (rej.code()) {
        case INTERNAL_ERROR -> StatusCodes.SERVICE_UNAVAILABLE;
        default -> StatusCodes.UNPROCESSABLE_ENTITY;
      };
    }
    return StatusCodes.OK;
  }

  /**
   * This participant's order answers, refusals, fills and unsolicited executions, as the
   * session produces them. The WebSocket is a live connection of the participant: its close is
   * a disconnect (cancel-on-disconnect when it was the participant's last one on this node).
   */
  Route executions(Participant p) {
    ActorRef<ParticipantSession.Command> session = gateway.session(p);
    Source<Message, NotUsed> replies = Source.<Object>actorRef(
            m -> Optional.<CompletionStrategy>empty(),
            m -> Optional.empty(), 1024, OverflowStrategy.fail())
        .mapMaterializedValue(classic -> {
          ActorRef<ParticipantSession.Reply> subscriber = Adapter.toTyped(classic);
          session.tell(new ParticipantSession.Subscribe(subscriber));
          return subscriber;
        })
        .watchTermination((subscriber, done) -> {
          done.whenComplete((d, e) -> session.tell(
              new ParticipantSession.Disconnected(clock.now(), subscriber)));
          return NotUsed.getInstance();
        })
        .filter(m -> m instanceof ParticipantSession.Reply r && !isLookup(r))
        .map(m -> (Message) TextMessage.create(
            ReplyJson.write(withType((ParticipantSession.Reply) m))));
    return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(Sink.ignore(), replies));
  }

  private static boolean isLookup(ParticipantSession.Reply r) {
    return r instanceof ParticipantSession.Answer a && a.book() instanceof OrderBook.OrderStatus;
  }

  private static Map<String, Object> withType(ParticipantSession.Reply r) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("type", "execution");
    out.putAll(ReplyJson.reply(r));
    return out;
  }
}
