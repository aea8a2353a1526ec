package io.kabuto.scenario.broker;

import io.kabuto.scenario.model.BrokerKind;
import io.kabuto.scenario.model.BrokerPopulation;
import io.kabuto.scenario.model.OnFailure;
import io.kabuto.scenario.model.Scenario;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scenario's brokers, named per kind (MM1, MM2, NT1...), and the participant settings the
 * nodes need for them: gateways only accept participants listed in their config.
 */
public final class Roster {
  /** Participant ids from here on, clear of the sample BROKER1..3 (ids 1..3). */
  static final int FIRST_ID = 101;
  /**
   * The participant a {@code flood} step sends as: not a broker of the roster, so its requests stay
   * out of the history the invariants are checked on. Its cap is a broker's default.
   */
  public static final String FLOODER = "FLOOD1";
  public static final String FLOODER_TOKEN = "flood1-token";
  static final int FLOODER_ID = 100;
  static final int FLOODER_CAP = 50;

  private Roster() {}

  public static List<BrokerId> of(Scenario s) {
    List<BrokerId> out = new ArrayList<>();
    Map<BrokerKind, Integer> perKind = new EnumMap<>(BrokerKind.class);
    for (BrokerPopulation p : s.brokers()) {
      for (int i = 0; i < p.count(); i++) {
        int n = perKind.merge(p.kind(), 1, Integer::sum);
        String name = p.kind().prefix + n;
        out.add(new BrokerId(name, FIRST_ID + out.size(), name.toLowerCase(Locale.ROOT) + "-token",
            p, out.size()));
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@code kabuto.gateway.participants} entries for the brokers. The rate cap is ten times the
   * broker's rate (at least 50/s): the scenario measures faults, not the rate protection. The
   * password (FIX logon) is the name in lower case; cancel-on-disconnect is on only for brokers
   * that rely on it.
   */
  public static String participantsConfig(List<BrokerId> brokers) {
    StringBuilder b = new StringBuilder("# participants generated for the scenario's brokers\n");
    for (BrokerId id : brokers) {
      double cap = Math.max(50, id.population().rate() * 10);
      b.append("kabuto.gateway.participants.").append(id.name()).append(" { id = ").append(id.participantId())
          .append(", password = \"").append(id.name().toLowerCase(Locale.ROOT)).append("\", token = \"")
          .append(id.token()).append("\", rate-per-second = ").append(cap)
          .append(", max-order-qty = 100000000, max-notional-yen = 100000000000, cancel-on-disconnect = ")
          .append(id.population().onFailure() == OnFailure.CANCEL_ON_DISCONNECT ? "on" : "off").append(" }\n");
    }
    b.append("kabuto.gateway.participants.").append(FLOODER).append(" { id = ").append(FLOODER_ID)
        .append(", password = \"flood1\", token = \"").append(FLOODER_TOKEN).append("\", rate-per-second = ")
        .append(FLOODER_CAP).append(", max-order-qty = 100000000, max-notional-yen = 100000000000, ")
        .append("cancel-on-disconnect = off }\n");
    return b.toString();
  }
}
