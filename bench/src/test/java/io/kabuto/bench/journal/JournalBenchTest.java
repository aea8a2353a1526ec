package io.kabuto.bench.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the journal benchmark end to end with tiny durations: both journals, both loads. */
class JournalBenchTest {

  private static final Pattern LAST = Pattern.compile(
      "journal: kabuto=(\\d+) p50=(\\d+\\.\\d{2}) p99=(\\d+\\.\\d{2}) leveldb-local=(\\d+) "
          + "ratio=(\\d+\\.\\d{2})");

  @Test
  @Timeout(60)
  void runsBothJournalsAndPrintsAWellFormedLastLine(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    JournalBench.Result r = JournalBench.run(new JournalBench.Options(16,
        Duration.ofMillis(500), Duration.ofSeconds(1), 0.5, dir, false), out);
    out.println(r.lastLine());
    String text = buf.toString(StandardCharsets.UTF_8);
    System.out.print(text);

    String[] lines = text.strip().split("\\R");
    Matcher m = LAST.matcher(lines[lines.length - 1]);
    assertTrue(m.matches(), "last line: " + lines[lines.length - 1]);
    long kabuto = Long.parseLong(m.group(1));
    long local = Long.parseLong(m.group(4));
    assertTrue(kabuto > 0 && local > 0, "both journals persisted events");
    assertTrue(Double.parseDouble(m.group(2)) <= Double.parseDouble(m.group(3)), "p50 <= p99");
    assertEquals((double) kabuto / local, Double.parseDouble(m.group(5)), 0.011, "ratio");
    assertTrue(text.contains("kabuto open loop: achieved"), "open-loop phase ran");
    assertTrue(text.contains("group commit"), "group commit numbers printed");
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "temp directories removed");
    }
  }
}
