package io.kabuto.book;

import io.kabuto.node.NodeConfig;
import io.kabuto.node.RoleService;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Role {@code matching}: hosts the sharded order books ({@link OrderBook#init}), the market halt
 * applier and the market supervisor singleton (io.kabuto.market). Registered in
 * {@code META-INF/services/io.kabuto.node.RoleService}.
 */
public final class MatchingRoleService implements RoleService {

  @Override
  public String role() {
    return NodeConfig.ROLE_MATCHING;
  }

  @Override
  public void start(ActorSystem<?> system) {
    var books = OrderBook.init(system);
    system.log().info("order books: sharding started for role {}", OrderBook.ROLE);
    system.systemActorOf(ListedBooks.create(books, BookSettings.fromConfig(system.settings().config())),
        "kabuto-listed-books", org.apache.pekko.actor.typed.Props.empty());
    // Market supervision: this node's halt applier (storage-independent halt path) and the
    // schedule/rules singleton (runs on one matching node, moves on failover).
    var market = io.kabuto.market.MarketSettings.fromConfig(system.settings().config());
    system.systemActorOf(io.kabuto.market.HaltApplier.create(market.ackTimeout()),
        "kabuto-market-halt-applier", org.apache.pekko.actor.typed.Props.empty());
    io.kabuto.market.MarketSupervisor.init(system);
  }
}
