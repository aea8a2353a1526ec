package io.kabuto.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Progress lines of the whole-system benchmarks, stamped with the seconds since the start, and
 * the small chores they share (quiet logs, temp directories).
 */
public final class Progress {
  private final PrintStream out;
  private final long t0 = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  public void say(String fmt, Object... args) {
    out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9,
        String.format(Locale.ROOT, fmt, args));
    out.flush();
  }

  /** Raises Kabuto's and Pekko's log level so that progress lines stay readable. */
  public static void quietLogs(String level) {
    try {
      org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      if (root instanceof ch.qos.logback.classic.Logger lb) {
        ch.qos.logback.classic.LoggerContext ctx = lb.getLoggerContext();
        ch.qos.logback.classic.Level l = ch.qos.logback.classic.Level.toLevel(level);
        ctx.getLogger("io.kabuto").setLevel(l);
        ctx.getLogger("org.apache.pekko").setLevel(l);
      }
    } catch (LinkageError e) {
      // another slf4j binding: leave its configuration alone
    }
  }

  /** Deletes a directory tree, best effort (says so when it cannot). */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      System.err.println("could not remove " + root + ": " + e);
    }
  }
}
