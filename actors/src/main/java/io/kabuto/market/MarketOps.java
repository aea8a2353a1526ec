package io.kabuto.market;

import io.kabuto.book.OrderBook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Halt, confirmation and status, for the admin routes, the supervisor's rules and tests. Only
 * Distributed Data and the cluster membership are used: no journal, no singleton, so a halt
 * works from any node while storage is down or the supervisor's node is unreachable.
 */
public final class MarketOps {
  private MarketOps() {}

  /**
   * Where a halt generation stands: confirmed when every reachable matching node reported it
   * (and so every book it hosts has it in force).
   *
   * @param applied reachable matching node address to what it reported (null: nothing yet)
   */
  public record Confirmation(boolean confirmed, long generation, long elapsedMillis,
      List<String> nodes, List<String> missing, Map<String, MarketHalts.Applied> applied) {}

  private static final Duration ASK = Duration.ofSeconds(3);

  public static CompletionStage<MarketHalts.Table> readHalts(ActorSystem<?> system) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, MarketHalts.Entry>>>ask(
        DistributedData.get(system).replicator(),
        r -> new Replicator.Get<>(MarketHalts.HALTS, Replicator.readLocal(), r), ASK, system.scheduler())
        .thenApply(r -> r instanceof Replicator.GetSuccess<LWWMap<String, MarketHalts.Entry>> ok
            ? MarketHalts.Table.of(ok.get(MarketHalts.HALTS)) : MarketHalts.Table.EMPTY);
  }

  public static CompletionStage<Map<String, MarketHalts.Applied>> readApplied(ActorSystem<?> system) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, MarketHalts.Applied>>>ask(
        DistributedData.get(system).replicator(),
        r -> new Replicator.Get<>(MarketHalts.APPLIED, Replicator.readLocal(), r), ASK, system.scheduler())
        .thenApply(r -> r instanceof Replicator.GetSuccess<LWWMap<String, MarketHalts.Applied>> ok
            ? Map.copyOf(ok.get(MarketHalts.APPLIED).getEntries()) : Map.of());
  }

  /**
   * Sets or clears the flag of {@code scope} ({@link MarketHalts#MARKET} or a symbol) with the
   * next generation, which the stage returns. Written locally first, then pushed to every
   * reachable member (WriteAll); members out of reach get it by gossip when they come back.
   */
  public static CompletionStage<Long> writeHalt(ActorSystem<?> system, String scope, boolean halted,
      String reason, String by) {
    var ddata = DistributedData.get(system);
    AtomicLong gen = new AtomicLong();
    CompletableFuture<Long> done = new CompletableFuture<>();
    AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, MarketHalts.Entry>>>ask(
        ddata.replicator(),
        r -> new Replicator.Update<>(MarketHalts.HALTS, LWWMap.create(),
            new Replicator.WriteAll(Duration.ofSeconds(2)), r, m -> {
              long g = MarketHalts.Table.of(m).generation() + 1;
              gen.set(g);
              return m.put(ddata.selfUniqueAddress(), scope, new MarketHalts.Entry(halted, g,
                  reason == null || reason.isBlank() ? (halted ? "halted" : "resumed") : reason,
                  System.currentTimeMillis(), by));
            }), ASK, system.scheduler())
        .whenComplete((r, e) -> {
          // A WriteAll timeout still wrote locally (the modify ran): the flag spreads by gossip.
          if (gen.get() > 0) {
            system.log().warn("market: {} {} (generation {}, by {}: {})", halted ? "HALT" : "resume",
                MarketHalts.MARKET.equals(scope) ? "market-wide" : scope, gen.get(), by, reason);
            done.complete(gen.get());
          } else {
            done.completeExceptionally(new IllegalStateException("the halt flag could not be "
                + "written to Distributed Data (" + (e != null ? e : r) + "); retry, or halt from another node"));
          }
        });
    return done;
  }

  /** Where {@code generation} stands now on the reachable matching and gateway nodes. */
  public static CompletionStage<Confirmation> confirmation(ActorSystem<?> system, long generation,
      long startNanos) {
    return readApplied(system).thenApply(applied -> {
      var state = Cluster.get(system).state();
      List<String> nodes = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      Map<String, MarketHalts.Applied> seen = new TreeMap<>();
      for (Member m : state.getMembers()) {
        // Books and gateways both enforce a halt; a halt is confirmed once every reachable one
        // of them applied it.
        boolean enforces = m.hasRole(OrderBook.ROLE) || m.hasRole("gateway");
        if (!enforces || state.getUnreachable().contains(m)) continue;
        MemberStatus s = m.status();
        if (s != MemberStatus.up() && s != MemberStatus.weaklyUp() && s != MemberStatus.leaving()) continue;
        String a = m.address().toString();
        MarketHalts.Applied ap = applied.get(a);
        seen.put(a, ap);
        if (ap != null && ap.generation() >= generation) nodes.add(a);
        else missing.add(a);
      }
      boolean ok = missing.isEmpty() && !nodes.isEmpty();
      return new Confirmation(ok, generation,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), nodes, missing, seen);
    });
  }

  /** Polls until {@code generation} is confirmed or {@code timeout} passed (then not confirmed). */
  public static CompletionStage<Confirmation> awaitConfirmed(ActorSystem<?> system, long generation,
      Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<Confirmation> f = new CompletableFuture<>();
    poll(system, generation, start, start + timeout.toNanos(), f);
    return f;
  }

  private static void poll(ActorSystem<?> system, long generation, long start, long deadline,
      CompletableFuture<Confirmation> f) {
    confirmation(system, generation, start).whenComplete((c, e) -> {
      if (e == null && (c.confirmed() || System.nanoTime() >= deadline)) {
        f.complete(c);
      } else if (e != null && System.nanoTime() >= deadline) {
        f.completeExceptionally(e);
      } else {
        CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS, system.executionContext())
            .execute(() -> poll(system, generation, start, deadline, f));
      }
    });
  }

  /** Halts {@code symbol} (null: the whole market) and waits for the confirmation. */
  public static CompletionStage<Confirmation> halt(ActorSystem<?> system, String symbol, String reason,
      String by, Duration timeout) {
    long start = System.nanoTime();
    return writeHalt(system, symbol == null ? MarketHalts.MARKET : symbol, true, reason, by)
        .thenCompose(g -> awaitConfirmed(system, g, timeout))
        .thenApply(c -> new Confirmation(c.confirmed(), c.generation(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), c.nodes(), c.missing(), c.applied()));
  }

  /** JSON-ready view of a confirmation. */
  public static Map<String, Object> describe(Confirmation c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("confirmed", c.confirmed());
    m.put("generation", c.generation());
    m.put("elapsedMillis", c.elapsedMillis());
    m.put("nodes", c.nodes());
    m.put("missing", c.missing());
    Map<String, Object> per = new TreeMap<>();
    c.applied().forEach((node, a) -> per.put(node, a == null ? "no report yet" : Map.of(
        "generation", a.generation(), "books", a.books(), "acked", a.acked(), "pending", a.pending())));
    m.put("applied", per);
    return m;
  }

  /** JSON-ready view of the halts table. */
  public static List<Map<String, Object>> describe(MarketHalts.Table t) {
    List<Map<String, Object>> list = new ArrayList<>();
    t.entries().forEach((scope, e) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scope", MarketHalts.MARKET.equals(scope) ? "market" : scope);
      m.put("halted", e.halted());
      m.put("generation", e.generation());
      m.put("reason", e.reason());
      m.put("since", java.time.Instant.ofEpochMilli(e.sinceMillis()).toString());
      m.put("by", e.by());
      list.add(m);
    });
    return list;
  }
}
