package io.kabuto.persistence.replica;

import io.kabuto.persistence.store.LevelDbStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one {@link ReplicaLog}: appends and promises submitted concurrently from many
 * threads are decided and written as one LevelDB write batch with one fsync (a commit point, see
 * {@link io.kabuto.persistence.store.FsyncPolicy}), and each caller's future completes after that
 * write returned.
 *
 * <p>One committer thread takes whatever is queued (up to {@code maxGroupSize}) and, holding the
 * replica log's lock, decides each request against the stored state and adds its writes to the
 * batch. A group holds at most one request per persistence id (a second one for the same id
 * starts the next group) so that every decision reads state that is already written; requests for
 * one id are decided in submission order. Refused requests ({@code Fenced}, {@code Gap},
 * {@code Rejected}) write nothing but complete with the group. Malformed requests complete
 * exceptionally with {@link IllegalArgumentException}; a failed write fails its whole group.
 *
 * <p>Futures complete on the committer thread: callers should not run long work in dependent
 * stages (use the {@code *Async} variants, or pipe the result to an actor).
 */
public final class GroupCommitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  private final ReplicaLog replicaLog;
  private final int maxGroupSize;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  private sealed interface Request permits AppendRequest, PromiseRequest {
    String pid();

    CompletableFuture<?> future();
  }

  private record AppendRequest(
      String pid, long epoch, List<NewEntry> entries, boolean endsLog,
      CompletableFuture<AppendResult> future) implements Request {}

  private record PromiseRequest(
      String pid, long epoch, long committedSeqNr, CompletableFuture<PromiseResult> future)
      implements Request {}

  /** Starts the committer thread (named after the replica). */
  public GroupCommitter(ReplicaLog replicaLog, int maxGroupSize) {
    this.replicaLog = Objects.requireNonNull(replicaLog, "replicaLog");
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize must be >= 1, got " + maxGroupSize);
    }
    this.maxGroupSize = maxGroupSize;
    this.thread = new Thread(this::run, "kabuto-group-commit-" + replicaLog.replicaId());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** {@link ReplicaLog#append}, group-committed. */
  public CompletableFuture<AppendResult> append(String pid, long epoch, List<NewEntry> entries) {
    return append(pid, epoch, entries, false);
  }

  /** {@link ReplicaLog#append(String, long, List, boolean)}, group-committed. */
  public CompletableFuture<AppendResult> append(String pid, long epoch, List<NewEntry> entries,
      boolean endsLog) {
    AppendRequest r = new AppendRequest(Objects.requireNonNull(pid, "pid"), epoch,
        List.copyOf(entries), endsLog, new CompletableFuture<>());
    submit(r);
    return r.future();
  }

  /** {@link ReplicaLog#promise}, group-committed. */
  public CompletableFuture<PromiseResult> promise(String pid, long epoch, long committedSeqNr) {
    PromiseRequest r = new PromiseRequest(Objects.requireNonNull(pid, "pid"), epoch,
        committedSeqNr, new CompletableFuture<>());
    submit(r);
    return r.future();
  }

  /** Requests taken so far. */
  public long requests() {
    return requests.get();
  }

  /** Write batches (each one fsync under ALWAYS or BATCHED) issued so far. */
  public long writes() {
    return writes.get();
  }

  private void submit(Request r) {
    if (!running) {
      r.future().completeExceptionally(closedException());
      return;
    }
    queue.add(r);
    if (!running && queue.remove(r)) {
      r.future().completeExceptionally(closedException());
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("group committer of replica " + replicaLog.replicaId()
        + " is closed");
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Request first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        queue.drainTo(group, maxGroupSize - 1);
        process(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        log.error("group commit failed", e);
        for (Request r : group) {
          r.future().completeExceptionally(e);
        }
      } finally {
        group.clear();
      }
    }
  }

  private void process(List<Request> group) {
    requests.addAndGet(group.size());
    // Answers are sent after the lock is released, so that the next group can be decided while
    // callers' continuations run.
    List<Runnable> answers = new ArrayList<>(group.size());
    try {
      decideAndWrite(group, answers);
    } finally {
      for (Runnable a : answers) {
        a.run();
      }
    }
  }

  private void decideAndWrite(List<Request> group, List<Runnable> answers) {
    synchronized (replicaLog) {
      int i = 0;
      while (i < group.size()) {
        int start = i;
        Set<String> pids = new HashSet<>();
        List<Object> results = new ArrayList<>();
        LevelDbStore.Batch batch = replicaLog.store().batch();
        boolean prepared = false;
        try {
          while (i < group.size() && pids.add(group.get(i).pid())) {
            results.add(prepare(group.get(i), batch));
            i++;
          }
          prepared = true;
          if (batch.size() > 0) {
            replicaLog.store().write(batch, true);
            writes.incrementAndGet();
          }
        } catch (RuntimeException e) {
          // nothing of this sub-group was written: fail it (including the request that threw)
          int end = prepared ? i : i + 1;
          for (int j = start; j < end; j++) {
            Request failed = group.get(j);
            answers.add(() -> failed.future().completeExceptionally(e));
          }
          i = end;
          continue;
        } finally {
          batch.close();
        }
        for (int j = start; j < i; j++) {
          Request done = group.get(j);
          Object result = results.get(j - start);
          answers.add(() -> complete(done, result));
        }
      }
    }
  }

  private Object prepare(Request r, LevelDbStore.Batch batch) {
    try {
      if (r instanceof AppendRequest a) {
        return replicaLog.prepareAppend(a.pid(), a.epoch(), a.entries(), a.endsLog(), batch);
      }
      PromiseRequest p = (PromiseRequest) r;
      return replicaLog.preparePromise(p.pid(), p.epoch(), p.committedSeqNr(), batch);
    } catch (IllegalArgumentException e) {
      // validation happens before anything is added to the batch
      return e;
    }
  }

  @SuppressWarnings("unchecked")
  private static void complete(Request r, Object result) {
    if (result instanceof Throwable t) {
      r.future().completeExceptionally(t);
    } else {
      ((CompletableFuture<Object>) r.future()).complete(result);
    }
  }

  /**
   * Stops taking requests, finishes the ones already queued, and stops the thread. Requests
   * submitted afterwards fail with {@link IllegalStateException}. Does not close the store.
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Request r;
    while ((r = queue.poll()) != null) {
      r.future().completeExceptionally(closedException());
    }
  }
}
