package io.kabuto.node.admin;

import io.kabuto.book.OrderBook;
import io.kabuto.node.NodeConfig;
import io.kabuto.persistence.journal.StorageReplicas;
import io.kabuto.persistence.node.StorageProtocol.StatusReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import io.kabuto.persistence.node.Asks;

/**
 * What a node reports about itself and the cluster as it sees it: members and reachability,
 * the order books (shards) per node, the storage replicas' health, readiness. Plain maps and
 * lists, rendered as JSON by the admin server.
 */
final class NodeHealth {
  /**
   * Short on purpose: while a shard region is unreachable the cluster-wide sharding stats wait
   * for it, and /health must stay fast for `cluster status` and failover timing.
   */
  private static final Duration ASK = Duration.ofMillis(800);

  private NodeHealth() {}

  private static void put(Map<String, Object> h, String key, Object value) {
    synchronized (h) {
      h.put(key, value);
    }
  }

  static CompletionStage<Map<String, Object>> of(ActorSystem<?> system, NodeConfig nc) {
    Cluster cluster = Cluster.get(system);
    Member self = cluster.selfMember();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("node", system.settings().config().getString("kabuto.node.name"));
    h.put("address", self.address().toString());
    h.put("roles", nc.roles());
    h.put("status", self.status().toString());
    h.put("pid", ProcessHandle.current().pid());
    List<Map<String, Object>> members = new ArrayList<>();
    var unreachable = cluster.state().getUnreachable();
    for (Member m : cluster.state().getMembers()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("address", m.address().toString());
      mm.put("status", m.status().toString());
      mm.put("roles", new TreeSet<>(m.getRoles()).stream().filter(r -> !r.startsWith("dc-"))
          .toList());
      mm.put("reachable", !unreachable.contains(m));
      members.add(mm);
    }
    h.put("members", members);
    h.put("leader", String.valueOf(cluster.state().getLeader()));

    CompletionStage<Void> books = CompletableFuture.completedFuture(null);
    if (nc.roles().contains(NodeConfig.ROLE_MATCHING)) {
      ClusterSharding sharding = ClusterSharding.get(system);
      // Both queries run at once; each answers "unknown" rather than hold up the report.
      CompletionStage<Void> local = Asks.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
              ShardRegion.CurrentShardRegionState>ask(sharding.shardState(),
              r -> new GetShardRegionState(OrderBook.ENTITY_TYPE_KEY, r), ASK, system)
          .thenAccept(s -> {
            TreeSet<String> ids = new TreeSet<>();
            for (ShardRegion.ShardState sh : s.getShards()) {
              ids.addAll(sh.getEntityIds());
            }
            put(h, "books", List.copyOf(ids));
          })
          .exceptionally(e -> {
            put(h, "books", "unknown: " + e.getMessage());
            return null;
          });
      CompletionStage<Void> stats = Asks.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
              ShardRegion.ClusterShardingStats>ask(sharding.shardState(),
              r -> new GetClusterShardingStats(OrderBook.ENTITY_TYPE_KEY, ASK, r),
              ASK.plusMillis(200), system)
          .thenAccept(st -> {
            Map<String, Object> byNode = new TreeMap<>();
            for (Map.Entry<Address, ShardRegion.ShardRegionStats> e :
                st.getRegions().entrySet()) {
              byNode.put(e.getKey().toString(), Map.of(
                  "shards", e.getValue().getStats().size(),
                  "books", e.getValue().getStats().values().stream()
                      .mapToInt(o -> ((Number) o).intValue()).sum()));
            }
            put(h, "shards", byNode);
          })
          .exceptionally(e -> {
            put(h, "shards", "unknown: " + e.getMessage());
            return null;
          });
      books = local.thenCombine(stats, (a, b) -> null);
    }
    boolean journals = system.settings().config()
        .getString("pekko.persistence.journal.plugin").equals("kabuto.journal");
    boolean storageOk = true;
    if (journals && (nc.roles().contains(NodeConfig.ROLE_MATCHING)
        || nc.roles().contains(NodeConfig.ROLE_STORAGE))) {
      StorageReplicas.Health sh = StorageReplicas.get(system).health();
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("replicas", sh.replicas());
      st.put("quorum", sh.quorum());
      st.put("underReplicated", sh.underReplicated());
      Map<String, Object> seen = new TreeMap<>();
      for (Map.Entry<String, StatusReply> e : sh.seen().entrySet()) {
        StatusReply s = e.getValue();
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("upToDate", s.upToDate());
        one.put("voter", s.voter());
        one.put("active", s.active());
        one.put("fault", s.fault());
        one.put("fsync", s.fsync());
        one.put("store", s.storeStatus());
        seen.put(e.getKey(), one);
      }
      st.put("seen", seen);
      st.put("summary", sh.toString());
      h.put("storage", st);
      storageOk = sh.quorumVisible();
    }
    boolean ready = self.status() == MemberStatus.up() && storageOk;
    h.put("ready", ready);
    return books.thenApply(v -> {
      synchronized (h) {
        return new LinkedHashMap<>(h);
      }
    });
  }
}
