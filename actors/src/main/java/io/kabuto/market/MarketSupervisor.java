package io.kabuto.market;

import io.kabuto.CborSerializable;
import io.kabuto.book.BookSettings;
import io.kabuto.book.OrderBook;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.persistence.journal.StorageReplicas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The market's watchdog, a cluster singleton on role {@value OrderBook#ROLE}: drives the trading
 * schedule ({@link Schedule}) on the {@link MarketClock} when {@code kabuto.market.schedule = on},
 * ticks every listed book's clock (special-quote steps), applies the halt rules written in
 * advance ({@code kabuto.market.rules}) and carries out resumes. Halts do not go through here
 * (see {@link MarketOps}): a halt must not wait for a singleton that may be moving.
 */
public final class MarketSupervisor {
  private MarketSupervisor() {}

  public static final String NAME = "kabuto-market-supervisor";

  public interface Command extends CborSerializable {}

  /**
   * Resumes {@code symbol} (null: the market-wide halt) by itayose: books go to HALTED (which
   * needs the journal), the flag is cleared, then books move to {@code phase} (null: the
   * schedule's phase, or with the schedule off the phase a book had before, CONTINUOUS if none).
   */
  public record Resume(String symbol, Phase phase, String by, ActorRef<Resumed> replyTo) implements Command {}

  /** @param books symbol to what its book did */
  public record Resumed(boolean ok, long generation, String message, Map<String, String> books)
      implements CborSerializable {}

  public record GetSchedule(ActorRef<ScheduleStatus> replyTo) implements Command {}

  public record ScheduleStatus(boolean on, String clockMode, double speed, long clock, String clockText,
      Phase phase) implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  private enum Probe implements Command { INSTANCE }

  private record ProbeAnswer(String symbol, boolean ok) implements Command {}

  private record ResumeDone(Resumed result, Resume request) implements Command {}

  /** Starts the singleton (on matching nodes) or its proxy; idempotent. */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    return ClusterSingleton.get(system).init(SingletonActor.of(create(), NAME)
        .withSettings(ClusterSingletonSettings.create(system).withRole(OrderBook.ROLE)));
  }

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      MarketSettings ms = MarketSettings.fromConfig(ctx.getSystem().settings().config());
      Sup s = new Sup(ctx, ms);
      timers.startTimerWithFixedDelay(Tick.INSTANCE, ms.tickInterval());
      if (!ms.bookUnavailableHaltAfter().isZero()) {
        timers.startTimerWithFixedDelay(Probe.INSTANCE, ms.probeInterval());
      }
      ctx.getLog().info("market supervisor started: schedule {}, clock {} {} x{}", ms.schedule() ? "on" : "off",
          ms.scenarioClock() ? "scenario from" : "real", Schedule.hhmmss(s.clock.now()), ms.speed());
      s.tick();
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, m -> { s.tick(); return Behaviors.same(); })
          .onMessage(Probe.class, m -> { s.probe(); return Behaviors.same(); })
          .onMessage(ProbeAnswer.class, m -> { s.onProbe(m); return Behaviors.same(); })
          .onMessage(Resume.class, m -> { s.resume(m); return Behaviors.same(); })
          .onMessage(ResumeDone.class, m -> {
            s.resuming.remove(scopeOf(m.request().symbol()));
            if (m.request().replyTo() != null) m.request().replyTo().tell(m.result());
            return Behaviors.same();
          })
          .onMessage(GetSchedule.class, m -> {
            long now = s.clock.now();
            m.replyTo().tell(new ScheduleStatus(ms.schedule(), ms.scenarioClock() ? "scenario" : "real",
                ms.speed(), now, Schedule.hhmmss(now), Schedule.phaseAt(now)));
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static String scopeOf(String symbol) {
    return symbol == null ? MarketHalts.MARKET : symbol;
  }

  /** The supervisor's state (actor-confined). */
  /** How long after this supervisor starts a book that never answered counts as silent. */
  static final java.time.Duration STARTUP_GRACE = java.time.Duration.ofSeconds(30);

  private static final class Sup {
    final ActorContext<Command> ctx;
    final ActorSystem<?> system;
    final MarketSettings ms;
    final MarketClock clock;
    final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
    final Set<String> symbols;
    final MarketGate gate;
    final Set<String> resuming = new java.util.HashSet<>();
    long lastTime = -1;
    long ticks;
    // storage-quorum rule: armed once the quorum was seen (right after start nothing is seen yet)
    boolean quorumSeen;
    long quorumLostSince = -1;
    long quorumOkSince = -1;
    final Map<String, Long> lastAnswer = new HashMap<>();
    /**
     * Until a book first answers, its silence counts only from this instant: a book that has not
     * come up yet (the cluster or this supervisor just started, storage still catching up) has
     * not failed, and halting it by rule at startup would keep it halted for the day.
     */
    final long unansweredSilentFrom = System.nanoTime() + STARTUP_GRACE.toNanos();
    final Map<String, Long> answeringSince = new HashMap<>();

    Sup(ActorContext<Command> ctx, MarketSettings ms) {
      this.ctx = ctx;
      this.system = ctx.getSystem();
      this.ms = ms;
      this.clock = new MarketClock(ms);
      this.books = OrderBook.init(system);
      this.symbols = BookSettings.fromConfig(system.settings().config()).listedSymbols();
      this.gate = MarketGate.get(system);
    }

    void tick() {
      long now = clock.now();
      ActorRef<OrderBook.Response> ignore = system.ignoreRef();
      if (ms.schedule()) {
        List<Schedule.Boundary> crossed = lastTime < 0 ? List.of() : Schedule.crossed(lastTime, now);
        for (Schedule.Boundary b : crossed) {
          ctx.getLog().info("schedule {}: {}", Schedule.hhmmss(b.time()), b.phase());
          sendAll(sym -> new OrderBook.SetPhase(b.phase(), b.time(), ignore));
        }
        // At start and now and then, send the phase in force: a book that was down or halted
        // at a boundary catches up (a book already there rejects it, harmlessly).
        if (lastTime < 0 || (ms.reconcileEvery() > 0 && ticks % ms.reconcileEvery() == 0)) {
          Phase p = Schedule.phaseAt(now);
          sendAll(sym -> new OrderBook.SetPhase(p, now, ignore));
        } else if (crossed.isEmpty()) {
          sendAll(sym -> new OrderBook.Clock(now, ignore));
        }
      } else {
        sendAll(sym -> new OrderBook.Clock(now, ignore));
      }
      lastTime = now;
      ticks++;
      storageRule();
    }

    private void sendAll(java.util.function.Function<String, OrderBook.Command> cmd) {
      MarketHalts.Table t = gate.table();
      for (String sym : symbols) {
        if (t.haltFor(sym).halted() || resuming.contains(sym) || resuming.contains(MarketHalts.MARKET)) continue;
        books.tell(new ShardingEnvelope<>(sym, cmd.apply(sym)));
      }
    }

    private void storageRule() {
      Duration after = ms.storageQuorumLostHaltAfter();
      if (after.isZero()) return;
      boolean ok = StorageReplicas.get(system).health().quorumVisible();
      long now = System.nanoTime();
      if (ok) {
        quorumSeen = true;
        quorumLostSince = -1;
        if (quorumOkSince < 0) quorumOkSince = now;
      } else if (quorumSeen) {
        quorumOkSince = -1;
        if (quorumLostSince < 0) quorumLostSince = now;
      }
      MarketHalts.Entry e = gate.table().entries().get(MarketHalts.MARKET);
      boolean halted = e != null && e.halted();
      if (!halted && quorumLostSince >= 0 && now - quorumLostSince >= after.toNanos()) {
        quorumLostSince = now; // one write per period while the write spreads
        MarketOps.writeHalt(system, MarketHalts.MARKET, true, "rule: storage quorum not visible for "
            + after.toSeconds() + " s (" + StorageReplicas.get(system).health() + ")", "rule:storage-quorum");
      } else if (halted && "rule:storage-quorum".equals(e.by()) && !ms.resumeAfterHealthy().isZero()
          && quorumOkSince >= 0 && now - quorumOkSince >= ms.resumeAfterHealthy().toNanos()
          && !resuming.contains(MarketHalts.MARKET)) {
        ctx.getSelf().tell(new Resume(null, null, "rule:storage-quorum", null));
      }
    }

    void probe() {
      for (String sym : symbols) {
        io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Command>askSelf(
            ctx, books, r -> new ShardingEnvelope<>(sym, new OrderBook.GetDepth(0, r)),
            ms.probeTimeout(), (r, e) -> new ProbeAnswer(sym, e == null && r instanceof OrderBook.Depth));
      }
      long now = System.nanoTime();
      MarketHalts.Table t = gate.table();
      for (String sym : symbols) {
        MarketHalts.Entry e = t.entries().get(sym);
        boolean halted = e != null && e.halted();
        long silent = now - lastAnswer.getOrDefault(sym, unansweredSilentFrom);
        if (!halted && silent >= ms.bookUnavailableHaltAfter().toNanos()) {
          lastAnswer.put(sym, now);
          MarketOps.writeHalt(system, sym, true, "rule: book not answering for "
              + ms.bookUnavailableHaltAfter().toSeconds() + " s", "rule:book-unavailable");
        } else if (halted && "rule:book-unavailable".equals(e.by()) && !ms.resumeAfterHealthy().isZero()
            && answeringSince.containsKey(sym)
            && now - answeringSince.get(sym) >= ms.resumeAfterHealthy().toNanos()
            && !resuming.contains(sym)) {
          ctx.getSelf().tell(new Resume(sym, null, "rule:book-unavailable", null));
        }
      }
    }

    void onProbe(ProbeAnswer a) {
      long now = System.nanoTime();
      if (a.ok()) {
        lastAnswer.put(a.symbol(), now);
        answeringSince.putIfAbsent(a.symbol(), now);
      } else {
        answeringSince.remove(a.symbol());
      }
    }

    void resume(Resume r) {
      String scope = scopeOf(r.symbol());
      if (resuming.contains(scope)) {
        if (r.replyTo() != null) r.replyTo().tell(new Resumed(false, gate.table().generation(),
            "a resume of " + scope + " is already running; wait for it and check /market/status", Map.of()));
        return;
      }
      resuming.add(scope);
      ctx.pipeToSelf(runResume(r), (res, e) -> new ResumeDone(res != null ? res
          : new Resumed(false, gate.table().generation(), "resume failed: " + e + "; the halt stays "
              + "in force; check storage (GET /health) and retry", Map.of()), r));
    }

    /** Steps 1-3 of {@link Resume}; runs outside the actor (asks only). */
    private CompletionStage<Resumed> runResume(Resume r) {
      MarketHalts.Table t = gate.table();
      String scope = scopeOf(r.symbol());
      MarketHalts.Entry e = t.entries().get(scope);
      if (e == null || !e.halted()) {
        return CompletableFuture.completedFuture(new Resumed(true, t.generation(),
            (r.symbol() == null ? "the market" : r.symbol()) + " is not halted", Map.of()));
      }
      List<String> affected = new ArrayList<>();
      if (r.symbol() == null) {
        for (String sym : new java.util.TreeSet<>(symbols)) if (!t.symbolHalted(sym)) affected.add(sym);
      } else if (!t.marketHalted()) {
        affected.add(r.symbol());
      }
      Duration ask = Duration.ofSeconds(5);
      Map<String, Phase> before = new java.util.concurrent.ConcurrentHashMap<>();
      List<CompletableFuture<Void>> toHalted = new ArrayList<>();
      for (String sym : affected) {
        toHalted.add(askBook(sym, rr -> new OrderBook.GetDepth(0, rr), ask).thenCompose(resp -> {
          if (!(resp instanceof OrderBook.Depth d)) {
            throw new IllegalStateException(sym + ": " + resp);
          }
          before.put(sym, d.phase());
          if (d.phase() == Phase.HALTED) return CompletableFuture.completedFuture(null);
          return askBook(sym, rr -> new OrderBook.SetPhase(Phase.HALTED, clock.now(), rr), ask)
              .thenAccept(x -> {
                if (x instanceof OrderBook.Rejected rej && rej.code() != Reject.INVALID_PHASE_CHANGE) {
                  throw new IllegalStateException(sym + " could not move to HALTED: " + rej.reason());
                }
              });
        }).toCompletableFuture());
      }
      return CompletableFuture.allOf(toHalted.toArray(CompletableFuture[]::new))
          .thenCompose(v -> MarketOps.writeHalt(system, scope, false, "resumed", r.by()))
          .thenCompose(gen -> {
            Map<String, String> result = new TreeMap<>();
            List<CompletableFuture<Void>> moves = new ArrayList<>();
            for (String sym : affected) {
              Phase pre = before.get(sym);
              Phase target = r.phase() != null ? r.phase()
                  : ms.schedule() ? Schedule.phaseAt(clock.now())
                  : pre == null || pre == Phase.HALTED ? Phase.CONTINUOUS : pre;
              moves.add(moveWhenLifted(sym, target, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))
                  .thenAccept(text -> {
                    synchronized (result) {
                      result.put(sym, text);
                    }
                  }));
            }
            return CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Resumed(true, gen, (r.symbol() == null ? "market" : r.symbol())
                    + " resumed by itayose", Map.copyOf(result)));
          });
    }

    /** SetPhase(target), retried while the book's node has not lifted the gate yet. */
    private CompletableFuture<String> moveWhenLifted(String sym, Phase target, long deadline) {
      return askBook(sym, rr -> new OrderBook.SetPhase(target, clock.now(), rr), Duration.ofSeconds(5))
          .toCompletableFuture().thenCompose(resp -> {
            if (resp instanceof OrderBook.Rejected rej && rej.code() == Reject.MARKET_HALTED
                && System.nanoTime() < deadline) {
              CompletableFuture<String> again = new CompletableFuture<>();
              CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, system.executionContext())
                  .execute(() -> moveWhenLifted(sym, target, deadline).whenComplete((x, e) -> {
                    if (e != null) again.completeExceptionally(e); else again.complete(x);
                  }));
              return again;
            }
            if (resp instanceof OrderBook.Ack ack) {
              long trades = ack.events().stream().filter(ev -> ev.type() == io.kabuto.matching.EventType.TRADE).count();
              return CompletableFuture.completedFuture(target + " (itayose: " + trades + " trades)");
            }
            if (resp instanceof OrderBook.Rejected rej && rej.code() == Reject.INVALID_PHASE_CHANGE) {
              return CompletableFuture.completedFuture(target + " (already)");
            }
            return CompletableFuture.completedFuture("not moved to " + target + ": " + resp);
          });
    }

    private CompletionStage<OrderBook.Response> askBook(String sym,
        java.util.function.Function<ActorRef<OrderBook.Response>, OrderBook.Command> cmd, Duration timeout) {
      return AskPattern.ask(books, rr -> new ShardingEnvelope<>(sym, cmd.apply(rr)), timeout, system.scheduler());
    }
  }
}
