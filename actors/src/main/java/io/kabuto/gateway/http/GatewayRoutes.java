package io.kabuto.gateway.http;

import io.kabuto.gateway.Gateway;
import io.kabuto.gateway.http.OrderJson.BadRequest;
import io.kabuto.market.MarketClock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What every part of the HTTP gateway's routes shares: the node's {@link Gateway}, the one
 * simulation clock the gateway stamps requests with (one instance, so that every route agrees
 * on the time), and the JSON answers. The parts are {@link HttpGateway} (server, route tree,
 * authentication, errors), {@link OrderRoutes}, {@link BookRoutes}, {@link KillSwitchRoutes} and
 * {@link RequestBodies}.
 */
abstract class GatewayRoutes extends AllDirectives {
  final ActorSystem<?> system;
  final Gateway gateway;
  final MarketClock clock;
  /** How long a route waits for the participant's session: past its own book deadline. */
  final Duration askTimeout;

  GatewayRoutes(ActorSystem<?> system, Gateway gateway, MarketClock clock) {
    this.system = system;
    this.gateway = gateway;
    this.clock = clock;
    this.askTimeout = gateway.settings().bookDeadline().plusSeconds(5);
  }

  GatewayRoutes(GatewayRoutes shared) {
    this(shared.system, shared.gateway, shared.clock);
  }

  Route json(StatusCode status, Object body) {
    return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON,
        ReplyJson.write(body)));
  }

  Route badRequest(BadRequest e) {
    return json(StatusCodes.BAD_REQUEST, ReplyJson.error(e.code, e.getMessage()));
  }
}
