package io.kabuto.gateway.http;

import io.kabuto.gateway.Participant;
import io.kabuto.gateway.ParticipantSession;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin's kill switch of a participant ({@code POST|DELETE|GET
 * /admin/participants/{name}/kill-switch}): engaging and releasing go through the participant's
 * session on this node (it records the switch cluster-wide and cancels in every listed book);
 * the state is read from the cluster's record. The admin token is checked by {@link HttpGateway}.
 */
final class KillSwitchRoutes extends GatewayRoutes {
  KillSwitchRoutes(GatewayRoutes shared) {
    super(shared);
  }

  /** What the cluster records for the participant's kill switch (a majority's view). */
  Route killSwitchState(String name) {
    if (gateway.settings().participants().get(name) == null) {
      return unknownParticipant(name);
    }
    return onSuccess(io.kabuto.gateway.KillSwitches.read(system,
        gateway.settings().killSwitchWriteTimeout()), all -> {
          var e = all.get(name);
          Map<String, Object> m = new java.util.LinkedHashMap<>();
          m.put("participant", name);
          m.put("killSwitch", e != null && e.engaged() ? "engaged" : "released");
          if (e != null) {
            m.put("since", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
            m.put("by", e.by());
          }
          return json(StatusCodes.OK, m);
        });
  }

  Route killSwitch(String name, boolean engage) {
    Participant p = gateway.settings().participants().get(name);
    if (p == null) {
      return unknownParticipant(name);
    }
    long now = clock.now();
    CompletionStage<ParticipantSession.Reply> r = io.kabuto.persistence.node.Asks.askOnDispatcher(gateway.session(p),
        ref -> new ParticipantSession.KillSwitch(engage, now, ref), askTimeout,
        system);
    return onSuccess(r, reply -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("participant", name);
      m.putAll(ReplyJson.reply(reply));
      return json(StatusCodes.OK, m);
    });
  }

  private Route unknownParticipant(String name) {
    return json(StatusCodes.NOT_FOUND, ReplyJson.error("UNKNOWN_PARTICIPANT",
        "no participant '" + OrderJson.clip(name) + "'"));
  }
}
