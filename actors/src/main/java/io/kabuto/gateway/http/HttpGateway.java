package io.kabuto.gateway.http;

import com.typesafe.config.Config;
import org.apache.pekko.Done;
import io.kabuto.book.OrderBook;
import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import io.kabuto.gateway.http.OrderJson.BadRequest;
import io.kabuto.market.MarketClock;
import io.kabuto.market.MarketRoutes;
import io.kabuto.market.MarketSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The HTTP/JSON and WebSocket order-entry gateway ({@code kabuto.gateway.http}), on role
 * {@code gateway}. Every request is authenticated with {@code Authorization: Bearer TOKEN} (a
 * participant's token; the admin token for {@code /admin}) and handed to the participant's
 * {@link ParticipantSession}, the actor that owns the participant's state (ClOrdIDs, limits, kill
 * switch, retries while a book fails over).
 *
 * <ul>
 *   <li>{@code POST /orders}: a new order; {@code DELETE /orders/{clOrdId}[?cancelClOrdId=]}:
 *       cancel; {@code PATCH /orders/{clOrdId}} {@code {"clOrdId","price","qty"}}: replace;
 *       {@code GET /orders/{clOrdId}}: lookup (own ClOrdIDs only);
 *   <li>{@code GET /books/{symbol}/depth[?levels=N]}, {@code GET /market/status};
 *   <li>{@code POST|DELETE|GET /admin/participants/{name}/kill-switch} (admin token): engage
 *       (cluster-wide, cancels in every listed book), release, state;
 *   <li>{@code ?symbol=} on DELETE, PATCH (or {@code "symbol"} in its body) and GET of an order:
 *       finds an order placed through another gateway node;
 *   <li>WebSocket {@code /ws/executions} (this participant's order answers and fills) and
 *       {@code /ws/market/{symbol}} (book snapshots when they change).
 *   <li>Market data: {@code GET /market-data/{symbol}}, WebSocket {@code /ws/market-data/{symbol}},
 *       {@code POST /admin/trades/{symbol}/{tradeId}/bust} ({@link io.kabuto.marketdata.MarketDataRoutes}).
 * </ul>
 *
 * Every error is a JSON {@code {"error": reason, "code": CODE}} with a 4xx status, or 503 when
 * the book did not answer before {@code kabuto.gateway.book-deadline}.
 */
public final class HttpGateway extends AllDirectives {
  /** Request bodies above this are refused with 413. */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  /** A body above MAX_BODY_BYTES but at most this is read to its end before the 413. */
  static final long MAX_DRAINED_BYTES = 1024 * 1024;

  // By identity: a typed ActorSystem equals another of the same name (its guardian's local
  // path), so several nodes in one JVM would share one entry.
  private static final Map<ActorSystem<?>, Integer> BOUND =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private final ActorSystem<?> system;
  private final Gateway gateway;
  private final Duration askTimeout;
  private final MarketClock clock;
  private final Duration marketInterval = Duration.ofMillis(200);
  private final Duration rateLimitedDelay;

  HttpGateway(ActorSystem<?> system) {
    this.system = system;
    this.gateway = Gateway.get(system);
    this.askTimeout = gateway.settings().bookDeadline().plusSeconds(5);
    this.clock = new MarketClock(MarketSettings.fromConfig(system.settings().config()));
    Config c = system.settings().config();
    this.rateLimitedDelay = c.hasPath("kabuto.gateway.http.rate-limited-delay")
        ? c.getDuration("kabuto.gateway.http.rate-limited-delay") : Duration.ofMillis(500);
  }

  /** {@code kabuto.gateway.http.port}, or the Artery port + 20000 when it is -1 (0 stays 0). */
  public static int port(Config config) {
    int p = config.hasPath("kabuto.gateway.http.port")
        ? config.getInt("kabuto.gateway.http.port") : -1;
    if (p >= 0) {
      return p;
    }
    int artery = config.getInt("pekko.remote.artery.canonical.port");
    return artery == 0 || artery + 20_000 > 65_535 ? 0 : artery + 20_000;
  }

  public static String hostname(Config config) {
    return config.hasPath("kabuto.gateway.http.hostname")
        ? config.getString("kabuto.gateway.http.hostname")
        : config.getString("pekko.remote.artery.canonical.hostname");
  }

  /** The port this system's HTTP gateway is bound to, once bound. */
  public static Optional<Integer> boundPort(ActorSystem<?> system) {
    return Optional.ofNullable(BOUND.get(system));
  }

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system) {
    Config c = system.settings().config();
    HttpGateway g = new HttpGateway(system);
    return Http.get(system).newServerAt(hostname(c), port(c)).bind(g.route())
        .thenApply(b -> {
          BOUND.put(system, b.localAddress().getPort());
          system.getWhenTerminated().thenRun(() -> BOUND.remove(system));
          return b;
        });
  }

  // ================================================================ routes

  Route route() {
    Route api = concat(
        pathPrefix("orders", () -> concat(
            pathEnd(() -> post(() -> participant(this::newOrder))),
            path(PathMatchers.segment(), id -> concat(
                delete(() -> participant(p -> parameterOptional("cancelClOrdId",
                    c -> parameterOptional("symbol", sym -> cancel(p, id, c, sym))))),
                patch(() -> participant(p -> parameterOptional("symbol",
                    sym -> replace(p, id, sym)))),
                get(() -> participant(p -> parameterOptional("symbol",
                    sym -> lookup(p, id, sym)))))))),
        pathPrefix("books", () -> path(PathMatchers.segment().slash("depth"),
            sym -> get(() -> participant(p -> parameterOptional("levels",
                l -> depth(sym, l)))))),
        path(PathMatchers.segment("market").slash("status"),
            () -> get(() -> participant(p -> onSuccess(MarketRoutes.status(system),
                m -> json(StatusCodes.OK, m))))),
        pathPrefix("admin", () -> path(PathMatchers.segment("participants")
            .slash(PathMatchers.segment()).slash("kill-switch"), name -> concat(
                post(() -> admin(() -> killSwitch(name, true))),
                delete(() -> admin(() -> killSwitch(name, false))),
                get(() -> admin(() -> killSwitchState(name)))))),
        pathPrefix("ws", () -> concat(
            path("executions", () -> participant(this::executions)),
            path(PathMatchers.segment("market").slash(PathMatchers.segment()),
                sym -> participant(p -> marketFeed(sym))))),
        new io.kabuto.marketdata.MarketDataRoutes(system).route());
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> api));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          system.log().error("HTTP gateway: request failed", e);
          return json(StatusCodes.INTERNAL_SERVER_ERROR,
              OrderJson.error("INTERNAL_ERROR", "the gateway failed on this request: " + e));
        })
        .build();
  }

  /** Pekko's rejections (404, 405, missing WebSocket upgrade...) as JSON. */
  private RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(resp -> {
      if (resp.entity() instanceof HttpEntity.Strict s
          && !s.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
        String text = s.getData().utf8String();
        return resp.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            OrderJson.write(OrderJson.error(codeOf(resp.status()), text))));
      }
      return resp;
    });
  }

  private static String codeOf(StatusCode s) {
    return switch (s.intValue()) {
      case 404 -> "NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 413 -> "TOO_LARGE";
      default -> s.intValue() >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    };
  }

  // ---------------------------------------------------------------- auth

  /** The bearer token of the request (header, or {@code ?token=} for WebSocket clients). */
  private Route token(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Authorization", h -> parameterOptional("token", q -> {
      Optional<String> t = h.filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
          .map(v -> v.substring(7).trim());
      return inner.apply(t.isPresent() ? t : q);
    }));
  }

  private Route participant(Function<Participant, Route> inner) {
    return token(t -> {
      if (t.isEmpty()) {
        return unauthorized("missing bearer token: send 'Authorization: Bearer TOKEN'");
      }
      Optional<Participant> p = gateway.byToken(t.get());
      return p.isPresent() ? inner.apply(p.get()) : unauthorized("unknown bearer token");
    });
  }

  private Route admin(java.util.function.Supplier<Route> inner) {
    return token(t -> {
      if (t.isEmpty()) {
        return unauthorized("missing bearer token: admin operations need the admin token");
      }
      if (!gateway.isAdmin(t.get())) {
        return json(StatusCodes.FORBIDDEN,
            OrderJson.error("FORBIDDEN", "admin operations need the admin token"));
      }
      return inner.get();
    });
  }

  private Route unauthorized(String reason) {
    return respondWithHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
            "WWW-Authenticate", "Bearer realm=\"kabuto\""),
        () -> json(StatusCodes.UNAUTHORIZED, OrderJson.error("UNAUTHORIZED", reason)));
  }

  // ---------------------------------------------------------------- bodies

  private record Body(byte[] bytes, Throwable failure) {}

  /** The request body, at most {@link #MAX_BODY_BYTES}; else 413. */
  private Route body(Function<byte[], Route> inner) {
    return extractRequest(req -> {
      HttpRequest r = req;
      long declared = r.entity().getContentLengthOption().orElse(-1);
      if (declared > MAX_BODY_BYTES) {
        if (declared > MAX_DRAINED_BYTES) {
          // Answered early: Pekko closes the connection after it, which is the point.
          r.discardEntityBytes(system);
          return tooLarge();
        }
        // Read to its end first: an answer sent while the client is still sending makes Pekko
        // close the connection, and the client's unread bytes turn that close into a reset
        // that can destroy the 413 before the client reads it.
        return onSuccess(drained(r), d -> tooLarge());
      }
      CompletionStage<Body> read = r.entity().toStrict(5_000, MAX_BODY_BYTES, system)
          .handle((s, e) -> e == null ? new Body(s.getData().toArray(), null) : new Body(null, e));
      return onSuccess(read, b -> {
        if (b.failure() == null) {
          return inner.apply(b.bytes());
        }
        Throwable e = b.failure() instanceof CompletionException ce && ce.getCause() != null
            ? ce.getCause() : b.failure();
        if (e instanceof EntityStreamSizeException) {
          return tooLarge();
        }
        return json(StatusCodes.BAD_REQUEST,
            OrderJson.error(GatewayReject.INVALID.name(), "cannot read the body: " + e));
      });
    });
  }

  /** Completes (never fails) when the request's body has been read and thrown away. */
  private CompletionStage<Done> drained(HttpRequest r) {
    return r.discardEntityBytes(system).completionStage().handle((d, e) -> Done.getInstance());
  }

  private Route tooLarge() {
    return json(StatusCodes.PAYLOAD_TOO_LARGE, OrderJson.error("TOO_LARGE",
        "request body above " + MAX_BODY_BYTES + " bytes"));
  }

  private Route badRequest(BadRequest e) {
    return json(StatusCodes.BAD_REQUEST, OrderJson.error(e.code, e.getMessage()));
  }

  // ---------------------------------------------------------------- orders

  private Route newOrder(Participant p) {
    if (gateway.rate(p).empty(System.nanoTime())) {
      // Over the cap: refused before the body is read or parsed or the session asked, and
      // answered only after rate-limited-delay, so that a client looping on 429 over many
      // connections gets a bounded share of this node instead of all of it.
      return extractRequest(req -> {
        CompletionStage<Done> read = drained(req);
        CompletionStage<ParticipantSession.Reply> later = org.apache.pekko.pattern.Patterns.after(
            rateLimitedDelay, system.classicSystem().scheduler(), system.executionContext(),
            () -> read.thenApply(d -> new ParticipantSession.Refused(null,
                GatewayReject.RATE_LIMITED, "more than " + (long) p.ratePerSecond()
                    + " orders per second")));
        return onSuccess(later, r -> respondWithHeader(
            org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Retry-After", "1"),
            () -> json(StatusCodes.TOO_MANY_REQUESTS, OrderJson.reply(r))));
      });
    }
    return body(bytes -> {
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

  private static final String BAD_SYMBOL = "symbol must be 1-20 of A-Z a-z 0-9 . _ -";

  private static boolean validSymbol(Optional<String> symbol) {
    return symbol.isEmpty() || OrderJson.SYMBOL.matcher(symbol.get()).matches();
  }

  /** {@code ?symbol=} finds an order placed through another gateway node (see the session). */
  private Route cancel(Participant p, String clOrdId, Optional<String> cancelClOrdId,
      Optional<String> symbol) {
    if (!OrderJson.validClOrdId(clOrdId)
        || (cancelClOrdId.isPresent() && !OrderJson.validClOrdId(cancelClOrdId.get()))) {
      return badRequest(new BadRequest("ClOrdIDs are 1-64 printable ASCII characters"));
    }
    if (!validSymbol(symbol)) {
      return badRequest(new BadRequest(BAD_SYMBOL));
    }
    // The default cancel ClOrdID is derived, so a resent DELETE gets the first answer again.
    String id = cancelClOrdId.orElse("cancel:" + clOrdId);
    long now = clock.now();
    return answer(p, r -> new ParticipantSession.CancelOrder(id, clOrdId, symbol.orElse(null),
        now, r));
  }

  private Route replace(Participant p, String origClOrdId, Optional<String> symbolParam) {
    if (!OrderJson.validClOrdId(origClOrdId)) {
      return badRequest(new BadRequest("ClOrdIDs are 1-64 printable ASCII characters"));
    }
    if (!validSymbol(symbolParam)) {
      return badRequest(new BadRequest(BAD_SYMBOL));
    }
    return body(bytes -> {
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

  private Route lookup(Participant p, String clOrdId, Optional<String> symbol) {
    if (!OrderJson.validClOrdId(clOrdId)) {
      return badRequest(new BadRequest("ClOrdIDs are 1-64 printable ASCII characters"));
    }
    if (!validSymbol(symbol)) {
      return badRequest(new BadRequest(BAD_SYMBOL));
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
        r -> json(status(r), OrderJson.reply(r)));
  }

  static StatusCode status(ParticipantSession.Reply r) {
    if (r instanceof ParticipantSession.Refused f) {
      return switch (f.code()) {
        case RATE_LIMITED -> StatusCodes.TOO_MANY_REQUESTS;
        case KILL_SWITCH -> StatusCodes.FORBIDDEN;
        case DUPLICATE_CLORDID -> StatusCodes.CONFLICT;
        case QUANTITY_LIMIT, NOTIONAL_LIMIT, MARKET_HALTED -> StatusCodes.UNPROCESSABLE_ENTITY;
        case UNKNOWN_CLORDID -> StatusCodes.NOT_FOUND;
        case EXCHANGE_UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
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

  // ---------------------------------------------------------------- market data

  private CompletionStage<OrderBook.Response> askDepth(String symbol, int levels) {
    return io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(gateway.books(),
        r -> new ShardingEnvelope<>(symbol, new OrderBook.GetDepth(levels, r)),
        gateway.settings().attemptTimeout().plusSeconds(2), system);
  }

  private Route depth(String symbol, Optional<String> levelsParam) {
    if (!OrderJson.SYMBOL.matcher(symbol).matches()) {
      return badRequest(new BadRequest("symbol must be 1-20 of A-Z a-z 0-9 . _ -"));
    }
    int levels;
    try {
      levels = levelsParam.map(Integer::parseInt).orElse(10);
    } catch (NumberFormatException e) {
      levels = -1;
    }
    if (levels < 1 || levels > OrderBook.MAX_DEPTH_LEVELS) {
      return badRequest(new BadRequest("levels must be 1.." + OrderBook.MAX_DEPTH_LEVELS));
    }
    return onSuccess(askDepth(symbol, levels).handle((r, e) -> r != null ? r : e), r -> {
      if (r instanceof OrderBook.Depth d) {
        return json(StatusCodes.OK, OrderJson.depth(d));
      }
      if (r instanceof OrderBook.Rejected rej) {
        return json(rej.code() == OrderBook.NO_BOOK ? StatusCodes.NOT_FOUND
            : StatusCodes.UNPROCESSABLE_ENTITY, OrderJson.error(rej.code().name(), rej.reason()));
      }
      return json(StatusCodes.SERVICE_UNAVAILABLE, OrderJson.error(
          GatewayReject.EXCHANGE_UNAVAILABLE.name(), "the book did not answer: " + r));
    });
  }

  /** Book snapshots every 200 ms, sent only when the book changed (its seq or phase). */
  private Route marketFeed(String symbol) {
    if (!OrderJson.SYMBOL.matcher(symbol).matches()) {
      return badRequest(new BadRequest("symbol must be 1-20 of A-Z a-z 0-9 . _ -"));
    }
    Source<Message, ?> snapshots = Source.tick(Duration.ZERO, marketInterval, "tick")
        .mapAsync(1, t -> askDepth(symbol, 10).handle((r, e) -> Optional.ofNullable(r)))
        .statefulMapConcat(() -> {
          Object[] last = {null};
          long[] n = {0};
          return r -> {
            if (r.isEmpty() || !(r.get() instanceof OrderBook.Depth d)) {
              return List.<Message>of();
            }
            Map<String, Object> doc = OrderJson.depth(d);
            String key = OrderJson.write(doc);
            if (key.equals(last[0])) {
              return List.<Message>of();
            }
            last[0] = key;
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("type", "depth");
            out.put("snapshot", ++n[0]);
            out.putAll(doc);
            return List.<Message>of(TextMessage.create(OrderJson.write(out)));
          };
        });
    return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(Sink.ignore(), snapshots));
  }

  /**
   * This participant's order answers, refusals, fills and unsolicited executions, as the
   * session produces them. The WebSocket is a live connection of the participant: its close is
   * a disconnect (cancel-on-disconnect when it was the participant's last one on this node).
   */
  private Route executions(Participant p) {
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
            OrderJson.write(withType((ParticipantSession.Reply) m))));
    return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(Sink.ignore(), replies));
  }

  private static boolean isLookup(ParticipantSession.Reply r) {
    return r instanceof ParticipantSession.Answer a && a.book() instanceof OrderBook.OrderStatus;
  }

  private static Map<String, Object> withType(ParticipantSession.Reply r) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("type", "execution");
    out.putAll(OrderJson.reply(r));
    return out;
  }

  // ---------------------------------------------------------------- admin

  /** What the cluster records for the participant's kill switch (a majority's view). */
  private Route killSwitchState(String name) {
    if (gateway.settings().participants().get(name) == null) {
      return json(StatusCodes.NOT_FOUND, OrderJson.error("UNKNOWN_PARTICIPANT",
          "no participant '" + OrderJson.clip(name) + "'"));
    }
    return onSuccess(io.kabuto.gateway.KillSwitches.read(system,
        gateway.settings().killSwitchWriteTimeout()), all -> {
          var e = all.get(name);
          Map<String, Object> m = new java.util.LinkedHashMap<>();
          m.put("participant", name);
          m.put("killSwitch", e != null && e.engaged() ? "engaged" : "released");
          if (e != null) {
            m.put("since", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
            m.put("by", e.by());
          }
          return json(StatusCodes.OK, m);
        });
  }

  private Route killSwitch(String name, boolean engage) {
    Participant p = gateway.settings().participants().get(name);
    if (p == null) {
      return json(StatusCodes.NOT_FOUND, OrderJson.error("UNKNOWN_PARTICIPANT",
          "no participant '" + OrderJson.clip(name) + "'"));
    }
    long now = clock.now();
    CompletionStage<ParticipantSession.Reply> r = io.kabuto.persistence.node.Asks.askOnDispatcher(gateway.session(p),
        ref -> new ParticipantSession.KillSwitch(engage, now, ref), askTimeout,
        system);
    return onSuccess(r, reply -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("participant", name);
      m.putAll(OrderJson.reply(reply));
      return json(StatusCodes.OK, m);
    });
  }

  private Route json(StatusCode status, Object body) {
    return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON,
        OrderJson.write(body)));
  }
}
