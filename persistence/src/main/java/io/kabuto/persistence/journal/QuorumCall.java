package io.kabuto.persistence.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import io.kabuto.persistence.node.Asks;
import org.apache.pekko.japi.function.Function;

/**
 * Sends one request to every replica and completes as soon as the answers so far settle the
 * outcome ({@code settled}), or when every replica has answered or timed out. The caller decides
 * from the answers; a replica that did not answer in time is simply absent.
 */
final class QuorumCall {
  private QuorumCall() {}

  static <C, R> CompletionStage<List<R>> call(
      Map<String, ActorRef<C>> replicas, Function<ActorRef<R>, C> request, Duration timeout,
      ActorSystem<?> system, Predicate<List<R>> settled) {
    CompletableFuture<List<R>> result = new CompletableFuture<>();
    List<R> answers = new ArrayList<>();
    int[] outstanding = {replicas.size()};
    if (replicas.isEmpty()) {
      result.complete(List.of());
      return result;
    }
    for (ActorRef<C> ref : replicas.values()) {
      Asks.<C, R>ask(ref, request, timeout, system).whenComplete((r, e) -> {
        List<R> snapshot = null;
        synchronized (answers) {
          if (r != null) {
            answers.add(r);
          }
          outstanding[0]--;
          if (!result.isDone() && (outstanding[0] == 0 || (r != null && settled.test(answers)))) {
            snapshot = List.copyOf(answers);
          }
        }
        if (snapshot != null) {
          result.complete(snapshot);
        }
      });
    }
    return result;
  }
}
