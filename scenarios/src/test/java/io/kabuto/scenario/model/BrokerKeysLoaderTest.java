package io.kabuto.scenario.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker keys of the later issues: the new kinds, protocol and cancel-on-disconnect. */
class BrokerKeysLoaderTest {

  static String file(String brokers) {
    return ScenarioLoaderTest.VALID.replace("brokers = [ { kind = market-maker, count = 1, rate = 2 } ]",
        "brokers = [\n" + brokers + "\n]");
  }

  @Test
  void theNewKindsProtocolsAndOnFailureLoad(@TempDir Path dir) throws IOException {
    Scenario s = load(dir, file("""
          { kind = market-maker, count = 1, rate = 2 }
          { kind = momentum-trader, count = 2, rate = 1, quantity-lots = 3 }
          { kind = institutional, count = 1, rate = 1, protocol = fix }
          { kind = noise-trader, count = 1, rate = 2, protocol = fix, on-failure = cancel-on-disconnect }
          { kind = noise-trader, count = 1, rate = 2, protocol = http, on-failure = give-up }
        """));
    List<BrokerPopulation> b = s.brokers();
    assertEquals(List.of(BrokerKind.MARKET_MAKER, BrokerKind.MOMENTUM_TRADER, BrokerKind.INSTITUTIONAL,
        BrokerKind.NOISE_TRADER, BrokerKind.NOISE_TRADER), b.stream().map(BrokerPopulation::kind).toList());
    assertEquals(List.of(Protocol.HTTP, Protocol.HTTP, Protocol.FIX, Protocol.FIX, Protocol.HTTP),
        b.stream().map(BrokerPopulation::protocol).toList(), "http unless said");
    assertEquals(OnFailure.CANCEL_ON_DISCONNECT, b.get(3).onFailure());
    assertEquals(OnFailure.GIVE_UP, b.get(4).onFailure());
  }

  @Test
  void cancelOnDisconnectWithoutFixIsRefusedWithTheFix(@TempDir Path dir) throws IOException {
    Path f = write(dir, file("""
          { kind = market-maker, count = 1, rate = 2 }
          { kind = noise-trader, count = 1, rate = 2, protocol = fix }
          { kind = noise-trader, count = 1, rate = 2, on-failure = cancel-on-disconnect }
        """));
    ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(f, ScenarioLoaderTest.HOME));
    assertEquals(f + ": brokers[2]: on-failure = cancel-on-disconnect needs protocol = fix. Fix: add protocol = fix "
        + "(only a FIX session's loss cancels the broker's orders), or use on-failure = resend or give-up",
        e.getMessage());
  }

  @Test
  void anUnknownProtocolNamesTheChoices(@TempDir Path dir) throws IOException {
    Path f = write(dir, file("{ kind = institutional, count = 1, rate = 1, protocol = FIX44 }"));
    ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.load(f, ScenarioLoaderTest.HOME));
    assertEquals(f + ": brokers[0].protocol: 'FIX44' is not known. Fix: use one of [http, fix]", e.getMessage());
  }

  private static Scenario load(Path dir, String text) throws IOException {
    return ScenarioLoader.load(write(dir, text), ScenarioLoaderTest.HOME);
  }

  private static Path write(Path dir, String text) throws IOException {
    Path f = Files.createTempFile(dir, "scenario", ".conf");
    Files.writeString(f, text);
    return f;
  }
}
