package io.kabuto.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.node.NodeConfig;
import io.kabuto.persistence.journal.StorageReplicas;
import io.kabuto.persistence.node.Asks;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol;
import io.kabuto.persistence.node.StorageSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;

/**
 * A node's health and admin endpoints over HTTP ({@code kabuto.admin}), for {@code ./kabuto
 * cluster}, scenarios and operators:
 *
 * <ul>
 *   <li>{@code GET /health}: this node, the members and their reachability, the books it hosts
 *       and the shards per node, the storage replicas' health, readiness (JSON);
 *   <li>{@code GET /ready}: 200 when the member is Up and (for nodes that journal) a quorum of
 *       storage replicas is visible, else 503;
 *   <li>{@code POST /admin/blackhole?peer=HOST:PORT} and {@code /admin/heal[?peer=HOST:PORT]}:
 *       cut or restore this node's traffic to a peer (Artery test mode): a partition without root;
 *   <li>{@code POST /admin/down?address=pekko://kabuto@HOST:PORT}: down a node known to be dead
 *       (the watchdog's fast path); {@code POST /admin/leave}: leave gracefully;
 *   <li>{@code POST /admin/storage/fault?fault=HANG|PANIC|CRASH|SLOW_DISK|FULL_DISK|CLEAR
 *       [&millis=N]}: a fault of this node's storage replica.
 * </ul>
 */
public final class AdminServer extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final NodeConfig nc;
  private final Set<Address> blackholed = ConcurrentHashMap.newKeySet();

  private AdminServer(ActorSystem<?> system, NodeConfig nc) {
    this.system = system;
    this.nc = nc;
  }

  /** The admin port: {@code kabuto.admin.port}, or artery port + 10000 when it is -1. */
  public static int port(NodeConfig nc) {
    int p = nc.config().getInt("kabuto.admin.port");
    if (p >= 0) {
      return p;
    }
    return nc.port() == 0 || nc.port() + 10_000 > 65_535 ? 0 : nc.port() + 10_000;
  }

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, NodeConfig nc) {
    AdminServer s = new AdminServer(system, nc);
    return Http.get(system)
        .newServerAt(nc.config().getString("kabuto.admin.hostname"), port(nc))
        .bind(s.route());
  }

  Route route() {
    List<Route> routes = new ArrayList<>();
    routes.add(path("health", () -> get(() -> onSuccess(NodeHealth.of(system, nc),
        h -> json(StatusCodes.OK, h)))));
    routes.add(path("ready", () -> get(() -> onSuccess(NodeHealth.of(system, nc),
        h -> json(Boolean.TRUE.equals(h.get("ready")) ? StatusCodes.OK
            : StatusCodes.SERVICE_UNAVAILABLE, Map.of("ready", h.get("ready")))))));
    routes.add(pathPrefix("admin", () -> post(() -> concat(
        path("blackhole", () -> parameter("peer", this::blackhole)),
        path("heal", () -> parameterOptional("peer", this::heal)),
        path("down", () -> parameter("address", this::down)),
        path("leave", this::leave),
        pathPrefix("storage", () -> path("fault", () -> parameter("fault",
            f -> parameterOptional("millis", ms -> storageFault(f, ms)))))))));
    for (AdminRoutes extra :
        ServiceLoader.load(AdminRoutes.class, AdminServer.class.getClassLoader())) {
      routes.add(extra.routes(system));
    }
    return concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  private Route blackhole(String peer) {
    Address a;
    try {
      a = peerAddress(peer);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    if (!system.settings().config().getBoolean("pekko.remote.artery.advanced.test-mode")) {
      return error(StatusCodes.CONFLICT, "this node runs without pekko.remote.artery.advanced."
          + "test-mode, so it cannot blackhole traffic; start it with the cluster defaults "
          + "(base.conf turns test-mode on) or use --netns partitions");
    }
    return onSuccess(throttle(a, ThrottlerTransportAdapter.blackholeThrottleMode()), ok -> {
      blackholed.add(a);
      system.log().warn("admin: traffic to and from {} is blackholed (partition)", a);
      return json(StatusCodes.OK, Map.of("blackholed", a.toString()));
    });
  }

  private Route heal(Optional<String> peer) {
    List<Address> targets;
    try {
      targets = peer.isPresent() ? List.of(peerAddress(peer.get())) : List.copyOf(blackholed);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    for (Address a : targets) {
      throttle(a, ThrottlerTransportAdapter.unthrottledThrottleMode());
      blackholed.remove(a);
    }
    system.log().info("admin: healed traffic to {}", targets);
    return json(StatusCodes.OK, Map.of("healed", targets.stream().map(Address::toString).toList()));
  }

  private CompletionStage<Object> throttle(Address a, ThrottlerTransportAdapter.ThrottleMode m) {
    var classic = (ExtendedActorSystem) Adapter.toClassic(system);
    var transport = ((RemoteActorRefProvider) classic.provider()).transport();
    return scala.jdk.javaapi.FutureConverters.asJava(transport.managementCommand(
        new ThrottlerTransportAdapter.SetThrottle(a, ThrottlerTransportAdapter.bothDirection(),
            m)));
  }

  private Route down(String address) {
    Address a;
    try {
      a = org.apache.pekko.actor.AddressFromURIString.parse(address);
    } catch (RuntimeException e) {
      return error(StatusCodes.BAD_REQUEST, "address '" + address + "' is not a node address; "
          + "use pekko://kabuto@HOST:PORT");
    }
    system.log().warn("admin: downing {} (confirmed dead)", a);
    Cluster.get(system).manager().tell(new Down(a));
    return json(StatusCodes.OK, Map.of("downed", a.toString()));
  }

  private Route leave() {
    Cluster c = Cluster.get(system);
    system.log().info("admin: leaving the cluster");
    c.manager().tell(Leave.create(c.selfMember().address()));
    return json(StatusCodes.OK, Map.of("leaving", c.selfMember().address().toString()));
  }

  private Route storageFault(String fault, Optional<String> millis) {
    StorageProtocol.Fault f;
    long ms;
    try {
      f = StorageProtocol.Fault.valueOf(fault.toUpperCase(java.util.Locale.ROOT));
      ms = millis.map(Long::parseLong).orElse(0L);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, "fault must be one of "
          + java.util.Arrays.toString(StorageProtocol.Fault.values()) + " and millis a number");
    }
    if (!nc.roles().contains(NodeConfig.ROLE_STORAGE)) {
      return error(StatusCodes.CONFLICT, "this node has no storage role");
    }
    String id = StorageSettings.fromConfig(system.settings().config()).replicaId();
    ActorRef<StorageNode.Command> ref = StorageReplicas.get(system).visible().get(id);
    if (ref == null) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "storage node " + id + " is not running");
    }
    return onSuccess(Asks.<StorageNode.Command, StorageProtocol.AckReply>ask(ref,
            r -> new StorageNode.InjectFault(f, ms, r), Duration.ofSeconds(3), system),
        ack -> json(StatusCodes.OK, Map.of("replica", id, "fault", f.name(), "millis", ms)));
  }

  private static Address peerAddress(String peer) {
    int colon = peer.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("peer '" + peer + "' must be HOST:PORT");
    }
    try {
      return new Address("pekko", NodeConfig.SYSTEM_NAME, peer.substring(0, colon),
          Integer.parseInt(peer.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer '" + peer + "' must be HOST:PORT");
    }
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body)));
    } catch (Exception e) {
      return complete(StatusCodes.INTERNAL_SERVER_ERROR, String.valueOf(e));
    }
  }

  private Route error(StatusCode status, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", reason);
    return json(status, m);
  }
}
