package io.kabuto.gateway.http;

import com.typesafe.config.Config;
import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.Participant;
import io.kabuto.market.MarketClock;
import io.kabuto.market.MarketRoutes;
import io.kabuto.market.MarketSettings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

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
 *
 * <p>This class binds the server, lays out the route tree, authenticates (every route below it
 * gets an authenticated participant or admin) and turns failures into JSON; the routes
 * themselves are {@link OrderRoutes}, {@link BookRoutes} and {@link KillSwitchRoutes}, bodies
 * are read by {@link RequestBodies}, requests parsed by {@link OrderJson} and answers written by
 * {@link ReplyJson}.
 */
public final class HttpGateway extends GatewayRoutes {
  /** Request bodies above this are refused with 413. */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  /** A body above MAX_BODY_BYTES but at most this is read to its end before the 413. */
  static final long MAX_DRAINED_BYTES = 1024 * 1024;

  // By identity: a typed ActorSystem equals another of the same name (its guardian's local
  // path), so several nodes in one JVM would share one entry.
  private static final Map<ActorSystem<?>, Integer> BOUND =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private final OrderRoutes orders;
  private final BookRoutes books;
  private final KillSwitchRoutes killSwitches;

  HttpGateway(ActorSystem<?> system) {
    super(system, Gateway.get(system),
        new MarketClock(MarketSettings.fromConfig(system.settings().config())));
    this.orders = new OrderRoutes(this, new RequestBodies(this));
    this.books = new BookRoutes(this);
    this.killSwitches = new KillSwitchRoutes(this);
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
            pathEnd(() -> post(() -> participant(orders::newOrder))),
            path(PathMatchers.segment(), id -> concat(
                delete(() -> participant(p -> parameterOptional("cancelClOrdId",
                    c -> parameterOptional("symbol", sym -> orders.cancel(p, id, c, sym))))),
                patch(() -> participant(p -> parameterOptional("symbol",
                    sym -> orders.replace(p, id, sym)))),
                get(() -> participant(p -> parameterOptional("symbol",
                    sym -> orders.lookup(p, id, sym)))))))),
        pathPrefix("books", () -> path(PathMatchers.segment().slash("depth"),
            sym -> get(() -> participant(p -> parameterOptional("levels",
                l -> books.depth(sym, l)))))),
        path(PathMatchers.segment("market").slash("status"),
            () -> get(() -> participant(p -> onSuccess(MarketRoutes.status(system),
                m -> json(StatusCodes.OK, m))))),
        pathPrefix("admin", () -> path(PathMatchers.segment("participants")
            .slash(PathMatchers.segment()).slash("kill-switch"), name -> concat(
                post(() -> admin(() -> killSwitches.killSwitch(name, true))),
                delete(() -> admin(() -> killSwitches.killSwitch(name, false))),
                get(() -> admin(() -> killSwitches.killSwitchState(name)))))),
        pathPrefix("ws", () -> concat(
            path("executions", () -> participant(orders::executions)),
            path(PathMatchers.segment("market").slash(PathMatchers.segment()),
                sym -> participant(p -> books.marketFeed(sym))))),
        new io.kabuto.marketdata.MarketDataRoutes(system).route());
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> api));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          system.log().error("HTTP gateway: request failed", e);
          return json(StatusCodes.INTERNAL_SERVER_ERROR,
              ReplyJson.error("INTERNAL_ERROR", "the gateway failed on this request: " + e));
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
            ReplyJson.write(ReplyJson.error(codeOf(resp.status()), text))));
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
            ReplyJson.error("FORBIDDEN", "admin operations need the admin token"));
      }
      return inner.get();
    });
  }

  private Route unauthorized(String reason) {
    return respondWithHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
            "WWW-Authenticate", "Bearer realm=\"kabuto\""),
        () -> json(StatusCodes.UNAUTHORIZED, ReplyJson.error("UNAUTHORIZED", reason)));
  }
}
