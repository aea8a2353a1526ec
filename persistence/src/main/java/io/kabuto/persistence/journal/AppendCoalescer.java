package io.kabuto.persistence.journal;

import io.kabuto.persistence.node.Asks;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageProtocol.AppendBatchReply;
import io.kabuto.persistence.node.StorageProtocol.AppendReply;
import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The writes of every persistent actor of a node (its order books, its FIX session logs) to the
 * storage replicas, coalesced: at most {@code maxInFlight} rounds are in flight, and the appends
 * that arrive meanwhile go in the next round as one {@link StorageNode.AppendBatch} per replica.
 * A busy node then sends each replica a message per round, not one per book write (the books'
 * writes were most of the cluster's remote messages), and at low load an append still goes at
 * once.
 *
 * <p>Each append's outcome is decided on its own, exactly as a lone append's: it completes with
 * the replicas' answers so far as soon as a quorum stored it or one replica fenced it, else when
 * every replica has answered or timed out. A round ends, and lets the next one go, when all its
 * appends are decided, not when the slowest replica answers: a hung replica costs the round
 * nothing while a majority answers.
 */
final class AppendCoalescer {

  private record Pending(String pid, long epoch, List<Entry> entries, int bytes,
      CompletableFuture<List<AppendReply>> result) {}

  /** Appends per round at most, and their payload bytes (Artery's frame is 2 MiB). */
  private static final int MAX_APPENDS = 512;
  private static final int MAX_BYTES = 1 << 20;

  private final ActorSystem<?> system;
  private final Supplier<CompletionStage<Map<String, ActorRef<StorageNode.Command>>>> replicas;
  private final int quorum;
  private final Duration timeout;
  private final int maxInFlight;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  AppendCoalescer(ActorSystem<?> system,
      Supplier<CompletionStage<Map<String, ActorRef<StorageNode.Command>>>> replicas, int quorum,
      Duration timeout, int maxInFlight) {
    this.system = system;
    this.replicas = replicas;
    this.quorum = quorum;
    this.timeout = timeout;
    this.maxInFlight = maxInFlight;
  }

  /** The replicas' answers to this append (those that answered before it was decided). */
  CompletionStage<List<AppendReply>> append(String pid, long epoch, List<Entry> entries) {
    int bytes = 0;
    for (Entry e : entries) {
      bytes += e.payload().length + 16;
    }
    Pending p = new Pending(pid, epoch, entries, bytes, new CompletableFuture<>());
    List<Pending> round;
    synchronized (this) {
      queue.addLast(p);
      round = nextRound();
    }
    send(round);
    return p.result();
  }

  /** Takes the next round off the queue if one may go now; null otherwise. Holds the lock. */
  private List<Pending> nextRound() {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return null;
    }
    List<Pending> round = new ArrayList<>();
    int bytes = 0;
    while (!queue.isEmpty() && round.size() < MAX_APPENDS
        && (round.isEmpty() || bytes + queue.peekFirst().bytes() <= MAX_BYTES)) {
      Pending p = queue.pollFirst();
      bytes += p.bytes();
      round.add(p);
    }
    inFlight++;
    return round;
  }

  private void roundDone() {
    List<Pending> next;
    synchronized (this) {
      inFlight--;
      next = nextRound();
    }
    send(next);
  }

  private void send(List<Pending> round) {
    if (round == null) {
      return;
    }
    List<StorageNode.Append> appends = new ArrayList<>(round.size());
    for (Pending p : round) {
      appends.add(new StorageNode.Append(p.pid(), p.epoch(), p.entries(), 0, false, null));
    }
    Round r = new Round(round);
    replicas.get().whenComplete((refs, failure) -> {
      if (failure != null || refs.isEmpty()) {
        r.finish();
        return;
      }
      r.expect(refs.size());
      for (ActorRef<StorageNode.Command> ref : refs.values()) {
        Asks.<StorageNode.Command, AppendBatchReply>ask(ref,
                to -> new StorageNode.AppendBatch(appends, to), timeout, system)
            .whenComplete((reply, e) -> r.answered(reply));
      }
    });
  }

  /** One round's appends and the answers collected for each, per replica as they come. */
  private final class Round {
    private final List<Pending> appends;
    private final List<List<AppendReply>> answers;
    private final boolean[] decided;
    private int undecided;
    private int outstanding;
    private boolean finished;

    Round(List<Pending> appends) {
      this.appends = appends;
      this.answers = new ArrayList<>(appends.size());
      for (int i = 0; i < appends.size(); i++) {
        answers.add(new ArrayList<>(3));
      }
      this.decided = new boolean[appends.size()];
      this.undecided = appends.size();
    }

    synchronized void expect(int replicas) {
      outstanding = replicas;
    }

    /** A replica's reply, or null if it failed or timed out. */
    void answered(AppendBatchReply reply) {
      List<Runnable> complete = new ArrayList<>();
      boolean last;
      synchronized (this) {
        outstanding--;
        if (reply != null && reply.replies().size() == appends.size()) {
          for (int i = 0; i < appends.size(); i++) {
            answers.get(i).add(reply.replies().get(i));
            if (!decided[i] && settled(answers.get(i))) {
              decide(i, complete);
            }
          }
        }
        last = outstanding == 0;
        if (last) {
          for (int i = 0; i < appends.size(); i++) {
            if (!decided[i]) {
              decide(i, complete);
            }
          }
        }
      }
      complete.forEach(Runnable::run);
    }

    private void decide(int i, List<Runnable> complete) {
      decided[i] = true;
      undecided--;
      List<AppendReply> so = List.copyOf(answers.get(i));
      CompletableFuture<List<AppendReply>> f = appends.get(i).result();
      complete.add(() -> f.complete(so));
      if (undecided == 0 && !finished) {
        finished = true;
        complete.add(AppendCoalescer.this::roundDone);
      }
    }

    /** No replica to ask: every append is decided with no answers (not acknowledged). */
    void finish() {
      List<Runnable> complete = new ArrayList<>();
      synchronized (this) {
        for (int i = 0; i < appends.size(); i++) {
          if (!decided[i]) {
            decide(i, complete);
          }
        }
      }
      complete.forEach(Runnable::run);
    }

    private boolean settled(List<AppendReply> so) {
      int ok = 0;
      for (AppendReply a : so) {
        if (a.outcome() == Outcome.FENCED) {
          return true;
        }
        if (a.outcome() == Outcome.OK) {
          ok++;
        }
      }
      return ok >= quorum;
    }
  }
}
