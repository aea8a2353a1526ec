package io.kabuto.node;

import io.kabuto.persistence.journal.StorageReplicas;
import io.kabuto.persistence.node.StorageAudit;
import io.kabuto.persistence.node.StorageNode;
import io.kabuto.persistence.node.StorageSettings;
import io.kabuto.persistence.store.LevelDbStore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * Role {@code storage}: opens this node's LevelDB store and starts its {@link StorageNode}. The
 * store is opened here, synchronously, so a wrong directory (another cluster's or replica's
 * store, a foreign LevelDB, a locked directory) stops the node at start with the reason.
 */
public final class StorageRoleService implements RoleService {

  @Override
  public String role() {
    return NodeConfig.ROLE_STORAGE;
  }

  @Override
  public void start(ActorSystem<?> system) {
    StorageSettings settings;
    try {
      settings = StorageSettings.fromConfig(system.settings().config());
    } catch (IllegalArgumentException e) {
      throw new NodeConfigException("storage settings: " + e.getMessage(), e);
    }
    StorageAudit.log(settings, org.slf4j.LoggerFactory.getLogger(StorageRoleService.class));
    LevelDbStore store = LevelDbStore.open(settings.dir(), settings.storeConfig());
    system.systemActorOf(StorageNode.create(settings, store),
        StorageNode.actorName(settings.replicaId()), Props.empty());
    // Replication health (under-replicated) is watched from every storage node.
    StorageReplicas.get(system);
  }
}
