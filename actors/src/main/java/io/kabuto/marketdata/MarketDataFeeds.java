package io.kabuto.marketdata;

import io.kabuto.book.BookSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;

/**
 * A node's market-data feeds ({@link MarketDataFeed}), one per symbol, started on the first
 * subscription. A feed without subscribers stays (it only holds a topic subscription and stops
 * asking the book); there is one per symbol anyone subscribed to on this node.
 */
public final class MarketDataFeeds implements Extension {

  public static final class Id extends ExtensionId<MarketDataFeeds> {
    @Override
    public MarketDataFeeds createExtension(ActorSystem<?> system) {
      return new MarketDataFeeds(system);
    }
  }

  public static final Id ID = new Id();

  public static MarketDataFeeds get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final BookSettings settings;
  private final Map<String, ActorRef<MarketDataFeed.Command>> feeds = new ConcurrentHashMap<>();

  private MarketDataFeeds(ActorSystem<?> system) {
    this.system = system;
    this.settings = BookSettings.fromConfig(system.settings().config());
  }

  /**
   * Sends {@code symbol}'s feed from sequence {@code fromSeq} on ({@code 0}: from the next live
   * message) to {@code subscriber}, gap-free and without duplicates, until the subscriber stops
   * or {@link #unsubscribe}s.
   */
  public void subscribe(String symbol, long fromSeq, ActorRef<MarketDataMessage> subscriber) {
    if (fromSeq < 0) throw new IllegalArgumentException("fromSeq must be >= 0, got " + fromSeq);
    feed(symbol).tell(new MarketDataFeed.Subscribe(fromSeq, subscriber));
  }

  public void unsubscribe(String symbol, ActorRef<MarketDataMessage> subscriber) {
    feed(symbol).tell(new MarketDataFeed.Unsubscribe(subscriber));
  }

  private ActorRef<MarketDataFeed.Command> feed(String symbol) {
    return feeds.computeIfAbsent(symbol, s -> system.systemActorOf(MarketDataFeed.create(s, settings),
        "md-feed-" + URLEncoder.encode(s, StandardCharsets.UTF_8), Props.empty()));
  }
}
