package io.kabuto.scenario.broker;

import io.kabuto.cli.cluster.ClusterState.NodeState;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a gateway node takes orders: its HTTP port (Artery port + 20000) and its FIX acceptor
 * (Artery port + 30000), the nodes' defaults for {@code kabuto.gateway.http.port} and {@code
 * kabuto.gateway.fix.port}.
 */
public record GatewayAddress(String node, URI http, String fixHost, int fixPort) {

  static final int HTTP_OFFSET = 20_000;
  static final int FIX_OFFSET = 30_000;

  /** The cluster's nodes with role gateway, in the cluster's order. */
  public static List<GatewayAddress> of(List<NodeState> nodes) {
    List<GatewayAddress> out = new ArrayList<>();
    for (NodeState n : nodes) {
      if (n.roles().contains("gateway")) {
        out.add(new GatewayAddress(n.name(), URI.create("http://" + n.hostname() + ":" + (n.port() + HTTP_OFFSET)),
            n.hostname(), n.port() + FIX_OFFSET));
      }
    }
    return List.copyOf(out);
  }

  public String fix() {
    return fixHost + ":" + fixPort;
  }
}
