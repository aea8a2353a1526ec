package io.kabuto.gateway;

import io.kabuto.gateway.http.HttpGateway;
import io.kabuto.node.NodeConfig;
import io.kabuto.node.RoleService;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Role {@code gateway}: the participants' gateway ({@link Gateway}) and its HTTP/JSON +
 * WebSocket front-end ({@link HttpGateway}, {@code kabuto.gateway.http}). Registered in
 * {@code META-INF/services/io.kabuto.node.RoleService}.
 */
public final class GatewayRoleService implements RoleService {

  @Override
  public String role() {
    return NodeConfig.ROLE_GATEWAY;
  }

  @Override
  public void start(ActorSystem<?> system) {
    Gateway.get(system);
    var config = system.settings().config();
    // Gateways enforce market halts too (refusing new orders before they reach a book), so
    // they run the node's halt applier, unless the matching role already started it.
    if (!config.getStringList("pekko.cluster.roles").contains(NodeConfig.ROLE_MATCHING)) {
      var market = io.kabuto.market.MarketSettings.fromConfig(config);
      system.systemActorOf(io.kabuto.market.HaltApplier.create(market.ackTimeout()),
          "kabuto-market-halt-applier", org.apache.pekko.actor.typed.Props.empty());
    }
    HttpGateway.start(system).whenComplete((binding, e) -> {
      if (e != null) {
        system.log().error("HTTP gateway could not bind {}:{}: {}; set kabuto.gateway.http.port "
            + "to a free port", HttpGateway.hostname(config), HttpGateway.port(config),
            e.getMessage());
      } else {
        system.log().info("HTTP gateway: http://{}:{} (orders, depth, market status; WebSocket "
            + "/ws/executions, /ws/market/SYMBOL)", HttpGateway.hostname(config),
            binding.localAddress().getPort());
      }
    });
  }
}
