package io.kabuto.node;

import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Something a node runs because it has a given cluster role, e.g. the order-book sharding
 * for role {@code matching}.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class name in
 * {@code META-INF/services/io.kabuto.node.RoleService} (one per line) and give it a public
 * no-arg constructor. {@link KabutoNode} calls {@link #start} once, from the guardian's setup,
 * on every node whose roles include {@link #role()}.
 */
public interface RoleService {

  /** The role this service belongs to: one of {@link NodeConfig#VALID_ROLES}. */
  String role();

  /** Starts the service (e.g. {@code ClusterSharding.get(system).init(...)}). Must not block. */
  void start(ActorSystem<?> system);
}
