package io.kabuto.persistence.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function2;
import org.apache.pekko.japi.function.Function;

/**
 * Ask, answered as a plain {@link CompletableFuture} whose continuations run on the thread that
 * completes it. Pekko's Java ask hands back Scala's converted future, which runs every
 * continuation asynchronously on the common pool; on a 2-core machine that pool starts a new
 * thread per continuation, which cut the journal's throughput several times over.
 */
public final class Asks {
  private Asks() {}

  public static <C, R> CompletableFuture<R> ask(RecipientRef<C> ref,
      Function<ActorRef<R>, C> request, Duration timeout, ActorSystem<?> system) {
    return plain(AskPattern.ask(ref, request, timeout, system.scheduler()));
  }

  /**
   * Like {@link #ask}, but continuations run on the actor system's dispatcher: for answers whose
   * handling does real work (encoding a FIX message, writing an HTTP response) that should not
   * run on the answering actor's thread.
   */
  public static <C, R> CompletableFuture<R> askOnDispatcher(RecipientRef<C> ref,
      Function<ActorRef<R>, C> request, Duration timeout, ActorSystem<?> system) {
    CompletableFuture<R> f = new CompletableFuture<>();
    AskPattern.ask(ref, request, timeout, system.scheduler()).whenCompleteAsync((v, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(v);
      }
    }, system.executionContext());
    return f;
  }

  /**
   * {@code ActorContext.ask} without its thread per answer: the answer (or failure) is adapted
   * and sent to the actor itself, like {@code ctx.ask}, but the future it waits on is a plain one
   * completed on the answering thread ({@code ctx.ask} goes through the converted future).
   */
  public static <C, R, T> void askSelf(ActorContext<T> ctx, RecipientRef<C> ref,
      Function<ActorRef<R>, C> request, Duration timeout, Function2<R, Throwable, T> adapt) {
    ctx.pipeToSelf(ask(ref, request, timeout, ctx.getSystem()), adapt);
  }

  public static <T> CompletableFuture<T> plain(CompletionStage<T> stage) {
    CompletableFuture<T> f = new CompletableFuture<>();
    stage.whenCompleteAsync((v, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(v);
      }
    }, Runnable::run);
    return f;
  }
}
