package io.kabuto.marketdata;

import io.kabuto.book.BookSettings;
import io.kabuto.book.BookTopics;
import io.kabuto.book.OrderBook;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * One symbol's market-data feed on one node: turns the at-most-once topic the book publishes on
 * into a gap-free, duplicate-free sequence for each local subscriber.
 *
 * <p>The feed keeps {@code last}, the highest sequence it holds with nothing missing below it,
 * and its newest messages. A topic message at {@code last + 1} is appended and delivered; one at
 * or below {@code last} is a duplicate (a resend after a failover, or a page that overlapped)
 * and dropped; one further ahead means messages were lost: it is parked and the gap is filled
 * from the book with {@link OrderBook.GetMarketData}, retried while the book fails over. Because
 * a lost last message shows no gap until the next one, the feed also asks the book every {@code
 * kabuto.book.market-data.feed-check-interval} while it has subscribers.
 *
 * <p>A subscriber asking for sequences older than the feed holds is served from the book, page
 * by page, then joins the live stream. If the book no longer retains them either, the
 * subscriber gets a RESET notice (an unsequenced STATUS whose text starts with {@code "RESET: "},
 * see {@link MarketDataMessage}) and continues from the oldest sequence the book retains.
 * Unsequenced halt notices are passed to every subscriber as they come.
 *
 * <p>Messages are told to subscribers without flow control: a subscriber that cannot keep up
 * must drop out (the WebSocket closes) and subscribe again from the sequence it has.
 */
public final class MarketDataFeed extends AbstractBehavior<MarketDataFeed.Command> {

  /** Text prefix of the notice that a range is gone for good. */
  public static final String RESET = "RESET: ";

  public sealed interface Command {}

  /**
   * Delivers the feed from sequence {@code fromSeq} on ({@code 0}: from the next live message)
   * to {@code subscriber} until it stops or unsubscribes.
   */
  public record Subscribe(long fromSeq, ActorRef<MarketDataMessage> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<MarketDataMessage> subscriber) implements Command {}

  private record Live(MarketDataMessage m) implements Command {}

  /** A page from the book, for the feed ({@code forSub == null}) or for one subscriber. */
  private record Page(ActorRef<MarketDataMessage> forSub, OrderBook.Response response, Throwable failure)
      implements Command {}

  private record Gone(ActorRef<MarketDataMessage> subscriber) implements Command {}

  private enum Check implements Command { INSTANCE }

  /** How much of the stream the feed itself keeps for subscribers joining or catching up. */
  static final int KEEP = 4096;
  /** Most messages parked beyond a gap; further ones are fetched from the book anyway. */
  static final int MAX_AHEAD = 10_000;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration RETRY = Duration.ofMillis(500);

  public static Behavior<Command> create(String symbol, BookSettings settings) {
    return Behaviors.<Command>supervise(Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new MarketDataFeed(ctx, timers, symbol, settings.feedCheckInterval()))))
        .onFailure(SupervisorStrategy.restart());
  }

  private static final class Sub {
    /** The next sequence this subscriber gets; -1: the next live one, once the feed knows it. */
    long next;
    boolean fetching;

    Sub(long next) {
      this.next = next;
    }
  }

  private final String symbol;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  private final MarketDataRing held = new MarketDataRing(KEEP);
  private final TreeMap<Long, MarketDataMessage> ahead = new TreeMap<>();
  private final Map<ActorRef<MarketDataMessage>, Sub> subs = new HashMap<>();
  /** Whether {@code held.lastSeq()} is known (the book answered once). */
  private boolean synced;
  private boolean filling;

  private MarketDataFeed(ActorContext<Command> ctx, TimerScheduler<Command> timers, String symbol,
      Duration checkEvery) {
    super(ctx);
    this.symbol = symbol;
    this.timers = timers;
    this.books = OrderBook.init(ctx.getSystem());
    BookTopics.get(ctx.getSystem()).marketData(symbol)
        .tell(Topic.subscribe(ctx.messageAdapter(MarketDataMessage.class, Live::new)));
    timers.startTimerWithFixedDelay(Check.INSTANCE, checkEvery);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, u -> {
          subs.remove(u.subscriber());
          getContext().unwatch(u.subscriber());
          return this;
        })
        .onMessage(Gone.class, g -> {
          subs.remove(g.subscriber());
          return this;
        })
        .onMessage(Live.class, l -> onLive(l.m()))
        .onMessage(Page.class, this::onPage)
        .onMessage(Check.class, c -> {
          if (!subs.isEmpty()) fill();
          for (Map.Entry<ActorRef<MarketDataMessage>, Sub> e : subs.entrySet()) pump(e.getKey(), e.getValue());
          return this;
        })
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (subs.containsKey(s.subscriber())) return this;
    getContext().watchWith(s.subscriber(), new Gone(s.subscriber()));
    Sub sub = new Sub(s.fromSeq() >= 1 ? s.fromSeq() : synced ? held.lastSeq() + 1 : -1);
    subs.put(s.subscriber(), sub);
    if (!synced) fill();
    pump(s.subscriber(), sub);
    return this;
  }

  private Behavior<Command> onLive(MarketDataMessage m) {
    if (m.seq() == 0) { // unsequenced notice (halt): nothing to order
      for (ActorRef<MarketDataMessage> s : subs.keySet()) s.tell(m);
      return this;
    }
    if (!synced || m.seq() > held.lastSeq() + 1) {
      if (ahead.size() < MAX_AHEAD) ahead.put(m.seq(), m);
      fill();
      return this;
    }
    if (m.seq() == held.lastSeq() + 1) {
      append(m);
      drainAhead();
      pumpAll();
    }
    return this; // at or below last: a duplicate
  }

  /** Asks the book for what follows {@code last} (or, before the first answer, for its newest seq). */
  private void fill() {
    if (filling) return;
    filling = true;
    long from = synced ? held.lastSeq() + 1 : Long.MAX_VALUE;
    ask(null, from);
  }

  private void ask(ActorRef<MarketDataMessage> forSub, long from) {
    io.kabuto.persistence.node.Asks.<ShardingEnvelope<OrderBook.Command>, OrderBook.Response, Command>askSelf(
        getContext(), books,
        r -> new ShardingEnvelope<>(symbol, new OrderBook.GetMarketData(from, OrderBook.MAX_MARKET_DATA_PAGE, r)),
        ASK_TIMEOUT, (r, e) -> new Page(forSub, r, e));
  }

  private Behavior<Command> onPage(Page p) {
    if (!(p.response() instanceof OrderBook.MarketDataPage page)) {
      if (p.response() instanceof OrderBook.Rejected rej && rej.code() == OrderBook.NO_BOOK) {
        MarketDataMessage notice = notice("NO_BOOK: " + rej.reason());
        for (ActorRef<MarketDataMessage> s : subs.keySet()) s.tell(notice);
        subs.clear();
      }
      // no answer (the book is failing over) or refused: try again shortly
      if (p.forSub() == null) filling = false;
      else markNotFetching(p.forSub());
      timers.startSingleTimer("retry", Check.INSTANCE, RETRY);
      return this;
    }
    if (p.forSub() == null) {
      onFeedPage(page);
    } else {
      onSubPage(p.forSub(), page);
    }
    return this;
  }

  private void onFeedPage(OrderBook.MarketDataPage page) {
    filling = false;
    boolean progress = !synced || !page.messages().isEmpty();
    if (!synced) {
      synced = true;
      held.resetTo(page.lastSeq());
      for (Sub s : subs.values()) if (s.next < 0) s.next = page.lastSeq() + 1;
    } else if (page.firstRetained() > held.lastSeq() + 1) {
      // the book no longer has what we missed: subscribers get a RESET when they reach it
      held.resetTo(page.firstRetained() - 1);
    }
    for (MarketDataMessage m : page.messages()) if (m.seq() == held.lastSeq() + 1) append(m);
    drainAhead();
    // more than a page behind, or parked messages beyond what this page reached
    if (progress && (page.lastSeq() > held.lastSeq() || !ahead.isEmpty())) fill();
    pumpAll();
  }

  private void onSubPage(ActorRef<MarketDataMessage> ref, OrderBook.MarketDataPage page) {
    Sub sub = subs.get(ref);
    if (sub == null) return;
    sub.fetching = false;
    if (page.firstRetained() > sub.next) {
      ref.tell(notice(RESET + "messages " + sub.next + ".." + (page.firstRetained() - 1) + " of " + symbol
          + " are no longer retained (the book keeps its newest " + "messages only); resynchronise from "
          + "the depth (GET /books/" + symbol + "/depth); the feed continues at " + page.firstRetained()));
      sub.next = page.firstRetained();
    }
    for (MarketDataMessage m : page.messages()) {
      if (m.seq() == held.lastSeq() + 1 && synced) append(m); // the book is ahead of the topic
      if (m.seq() == sub.next) {
        ref.tell(m);
        sub.next++;
      }
    }
    drainAhead();
    pumpAll();
  }

  private void markNotFetching(ActorRef<MarketDataMessage> ref) {
    Sub sub = subs.get(ref);
    if (sub != null) sub.fetching = false;
  }

  private void append(MarketDataMessage m) {
    held.add(m);
  }

  private void drainAhead() {
    while (!ahead.isEmpty() && ahead.firstKey() <= held.lastSeq() + 1) {
      MarketDataMessage m = ahead.pollFirstEntry().getValue();
      if (m.seq() == held.lastSeq() + 1) append(m);
    }
  }

  private void pumpAll() {
    for (Map.Entry<ActorRef<MarketDataMessage>, Sub> e : subs.entrySet()) pump(e.getKey(), e.getValue());
  }

  /** Delivers what the subscriber has not had yet: from the feed's memory, else from the book. */
  private void pump(ActorRef<MarketDataMessage> ref, Sub sub) {
    if (!synced || sub.next < 0 || sub.fetching) return;
    while (sub.next <= held.lastSeq()) {
      MarketDataMessage m = held.get(sub.next);
      if (m == null) {
        sub.fetching = true;
        ask(ref, sub.next);
        return;
      }
      ref.tell(m);
      sub.next++;
    }
  }

  private MarketDataMessage notice(String text) {
    return new MarketDataMessage(symbol, 0, MarketDataMessage.Kind.STATUS, 0, 0, 0, 0, 0, null,
        0, 0, 0, 0, null, false, text);
  }
}
