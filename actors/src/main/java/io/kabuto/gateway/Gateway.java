package io.kabuto.gateway;

import io.kabuto.book.OrderBook;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * A gateway node's participants and their sessions: one {@link ParticipantSession} per
 * participant on this node, shared by its FIX and HTTP connections, created on first use.
 * Front-ends authenticate here and then talk to the session.
 */
public final class Gateway implements Extension {

  public static final class Id extends ExtensionId<Gateway> {
    @Override
    public Gateway createExtension(ActorSystem<?> system) {
      return new Gateway(system);
    }
  }

  public static final Id ID = new Id();

  public static Gateway get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final ActorRef<ShardingEnvelope<OrderBook.Command>> books;
  /** The node's batched link to the books, shared by its sessions. */
  private final ActorRef<BookLink.Command> link;
  private final Map<String, ActorRef<ParticipantSession.Command>> sessions =
      new ConcurrentHashMap<>();
  private final Map<String, TokenBucket> rates = new ConcurrentHashMap<>();
  /** Requests of all this node's sessions waiting for a book (the node-wide in-flight bound). */
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  private Gateway(ActorSystem<?> system) {
    this.system = system;
    this.settings = GatewaySettings.fromConfig(system.settings().config());
    this.books = io.kabuto.book.LegacyPrimaries.route(system, OrderBook.init(system));
    this.link = system.systemActorOf(BookLink.create(books), "book-link", Props.empty());
  }

  public GatewaySettings settings() {
    return settings;
  }

  /** The sharding region (or proxy) of the order books; see {@link io.kabuto.book.LegacyPrimaries}. */
  public ActorRef<ShardingEnvelope<OrderBook.Command>> books() {
    return books;
  }

  /** The participant whose HTTP bearer token this is. */
  public Optional<Participant> byToken(String token) {
    return settings.participants().values().stream()
        .filter(p -> p.token().equals(token)).findFirst();
  }

  /** The participant logging on over FIX as {@code senderCompId} with {@code password}. */
  public Optional<Participant> byLogon(String senderCompId, String password) {
    Participant p = settings.participants().get(senderCompId);
    return p != null && p.password().equals(password) ? Optional.of(p) : Optional.empty();
  }

  public boolean isAdmin(String token) {
    return settings.adminToken().equals(token);
  }

  /** This node's session of the participant (created on first use). */
  public ActorRef<ParticipantSession.Command> session(Participant p) {
    return sessions.computeIfAbsent(p.name(), n -> system.systemActorOf(
        ParticipantSession.create(p, settings, books, rate(p), inFlight, link), "participant-" + p.id(),
        Props.empty()));
  }

  /**
   * The participant's order-rate cap on this node (its session takes from it). A front-end
   * refuses a new order at once when it is {@link TokenBucket#empty empty}, before reading or
   * parsing the request, so that a flooding participant costs the node as little as possible.
   */
  public TokenBucket rate(Participant p) {
    return rates.computeIfAbsent(p.name(), n -> ParticipantSession.newRate(p));
  }
}
