package io.kabuto.gateway;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;

/**
 * A participant (broker) of the exchange as the gateways know it: its numeric id (owner of its
 * orders in the books), credentials (FIX SenderCompID + password, HTTP bearer token), and the
 * protections that keep one participant from hurting the others (arrowhead, 2015).
 *
 * @param name SenderCompID and the participant's name
 * @param ratePerSecond order-rate cap of its sessions (groups like 200, 60 or 5 per second)
 * @param maxOrderQty hard limit per order (shares)
 * @param maxNotional hard limit per order, in yen (price x quantity)
 * @param cancelOnDisconnect cancel the participant's live orders when its session drops
 */
public record Participant(String name, int id, String password, String token,
    double ratePerSecond, long maxOrderQty, long maxNotional, boolean cancelOnDisconnect) {

  /** Why an order over the rate cap is refused: "more than 200 orders per second", "... 0.5 ...". */
  public String overRateCap() {
    String rate = ratePerSecond == Math.rint(ratePerSecond) ? Long.toString((long) ratePerSecond)
        : java.math.BigDecimal.valueOf(ratePerSecond).stripTrailingZeros().toPlainString();
    return "more than " + rate + " orders per second";
  }

  /** {@code kabuto.gateway.participants}, by name. */
  public static Map<String, Participant> fromConfig(Config root) {
    Config all = root.getConfig("kabuto.gateway.participants");
    Map<String, Participant> out = new TreeMap<>();
    for (String name : all.root().keySet()) {
      Config c = all.getConfig("\"" + name + "\"");
      Participant p = new Participant(name, c.getInt("id"), c.getString("password"),
          c.getString("token"), c.getDouble("rate-per-second"), c.getLong("max-order-qty"),
          c.getLong("max-notional-yen"), c.getBoolean("cancel-on-disconnect"));
      if (!(p.ratePerSecond() > 0)) {
        throw new IllegalArgumentException("kabuto.gateway.participants." + name
            + ".rate-per-second must be above 0 (it may be a fraction, like 0.5), got "
            + p.ratePerSecond());
      }
      if (p.id() < 0 || p.id() > 0xFFFF) {
        throw new IllegalArgumentException("kabuto.gateway.participants." + name
            + ".id must be 0..65535, got " + p.id());
      }
      if (out.values().stream().anyMatch(o -> o.id() == p.id())) {
        throw new IllegalArgumentException("kabuto.gateway.participants: id " + p.id()
            + " is used twice; every participant needs its own id");
      }
      out.put(name, p);
    }
    return out;
  }
}
