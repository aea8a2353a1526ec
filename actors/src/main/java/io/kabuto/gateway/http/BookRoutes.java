package io.kabuto.gateway.http;

import io.kabuto.book.OrderBook;
import io.kabuto.gateway.GatewayReject;
import io.kabuto.gateway.http.OrderJson.BadRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A book's depth over HTTP ({@code GET /books/{symbol}/depth}) and as a WebSocket of snapshots
 * ({@code /ws/market/{symbol}}), asked of the book directly (no session: reading a book is not
 * a participant's order flow).
 */
final class BookRoutes extends GatewayRoutes {

  private final Duration marketInterval = Duration.ofMillis(200);

  BookRoutes(GatewayRoutes shared) {
    super(shared);
  }

  private CompletionStage<OrderBook.Response> askDepth(String symbol, int levels) {
    return io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response>askOnDispatcher(gateway.books(),
        r -> new ShardingEnvelope<>(symbol, new OrderBook.GetDepth(levels, r)),
        gateway.settings().attemptTimeout().plusSeconds(2), system);
  }

  Route depth(String symbol, Optional<String> levelsParam) {
    if (!OrderJson.SYMBOL.matcher(symbol).matches()) {
      return badRequest(new BadRequest(OrderJson.BAD_SYMBOL));
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
        return json(StatusCodes.OK, ReplyJson.depth(d));
      }
      if (r instanceof OrderBook.Rejected rej) {
        return json(rej.code() == OrderBook.NO_BOOK ? StatusCodes.NOT_FOUND
            : StatusCodes.UNPROCESSABLE_ENTITY, ReplyJson.error(rej.code().name(), rej.reason()));
      }
      return json(StatusCodes.SERVICE_UNAVAILABLE, ReplyJson.error(
          GatewayReject.EXCHANGE_UNAVAILABLE.name(), "the book did not answer: " + r));
    });
  }

  /** Book snapshots every 200 ms, sent only when the book changed (its seq or phase). */
  Route marketFeed(String symbol) {
    if (!OrderJson.SYMBOL.matcher(symbol).matches()) {
      return badRequest(new BadRequest(OrderJson.BAD_SYMBOL));
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
            Map<String, Object> doc = ReplyJson.depth(d);
            String key = ReplyJson.write(doc);
            if (key.equals(last[0])) {
              return List.<Message>of();
            }
            last[0] = key;
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("type", "depth");
            out.put("snapshot", ++n[0]);
            out.putAll(doc);
            return List.<Message>of(TextMessage.create(ReplyJson.write(out)));
          };
        });
    return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(Sink.ignore(), snapshots));
  }
}
