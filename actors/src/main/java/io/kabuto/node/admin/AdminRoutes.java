package io.kabuto.node.admin;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * More routes for a node's admin HTTP server (e.g. market halt and resume), found with
 * {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/io.kabuto.node.admin.AdminRoutes}.
 */
public interface AdminRoutes {
  Route routes(ActorSystem<?> system);
}
