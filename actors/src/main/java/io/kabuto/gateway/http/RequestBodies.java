package io.kabuto.gateway.http;

import static io.kabuto.gateway.http.HttpGateway.MAX_BODY_BYTES;
import static io.kabuto.gateway.http.HttpGateway.MAX_DRAINED_BYTES;

import io.kabuto.gateway.GatewayReject;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Reading request bodies within {@link HttpGateway#MAX_BODY_BYTES}, and answering a refused
 * request only once its body has arrived (see {@link #body}).
 */
final class RequestBodies extends GatewayRoutes {
  RequestBodies(GatewayRoutes shared) {
    super(shared);
  }

  private record Body(byte[] bytes, Throwable failure) {}

  /** The request body, at most {@link HttpGateway#MAX_BODY_BYTES}; else 413. */
  Route body(Function<byte[], Route> inner) {
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
            ReplyJson.error(GatewayReject.INVALID.name(), "cannot read the body: " + e));
      });
    });
  }

  /** Completes (never fails) when the request's body has been read and thrown away. */
  CompletionStage<Done> drained(HttpRequest r) {
    return r.discardEntityBytes(system).completionStage().handle((d, e) -> Done.getInstance());
  }

  private Route tooLarge() {
    return json(StatusCodes.PAYLOAD_TOO_LARGE, ReplyJson.error("TOO_LARGE",
        "request body above " + MAX_BODY_BYTES + " bytes"));
  }
}
