package io.kabuto.gateway.fix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import quickfix.MessageStore;
import quickfix.MessageStoreFactory;
import quickfix.SessionID;

/**
 * {@code kabuto.gateway.fix.message-store = cluster} or {@code cluster-messages}: each session's
 * store is the node's file store replicated to the session's {@link FixSessionLog} ({@link
 * ClusterMessageStore}): its sequence numbers, and with {@code cluster-messages} its sent
 * messages too.
 */
final class ClusterMessageStoreFactory implements MessageStoreFactory {
  private final ActorSystem<?> system;
  private final MessageStoreFactory files;
  private final FixSettings.ClusterStore settings;
  private final boolean shipMessages;
  private final List<ClusterMessageStore> stores = new CopyOnWriteArrayList<>();

  ClusterMessageStoreFactory(ActorSystem<?> system, MessageStoreFactory files,
      FixSettings settings) {
    this.system = system;
    this.files = files;
    this.settings = settings.clusterStore();
    this.shipMessages = settings.messageStore() == FixSettings.MessageStoreKind.CLUSTER_MESSAGES;
    FixSessionLog.init(system, settings);
  }

  @Override
  public MessageStore create(SessionID sid) {
    MessageStore local = files.create(sid);
    EntityRef<FixSessionLog.Command> entity = ClusterSharding.get(system)
        .entityRefFor(FixSessionLog.KEY, FixSessionLog.entityId(sid));
    AtomicReference<ClusterMessageStore> store = new AtomicReference<>();
    ActorRef<Object> shipper = system.systemActorOf(
        StoreShipper.create(entity, settings.askTimeout(), settings.shipInterval(),
            n -> store.get().acked(n)),
        "fix-store-" + FixSessionLog.entityId(sid) + "-" + System.nanoTime(), Props.empty());
    ClusterMessageStore s = new ClusterMessageStore(sid, local, entity, shipper, settings, system,
        shipMessages);
    store.set(s);
    stores.add(s);
    return s;
  }

  /** On a clean stop, after the sessions logged out: flush every store and mark it closed. */
  void close(Duration timeout) {
    stores.parallelStream().forEach(s -> s.close(timeout));
  }
}
