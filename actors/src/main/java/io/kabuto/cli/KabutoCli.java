package io.kabuto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code kabuto} CLI (run by the {@code ./kabuto} launcher).
 *
 * <p>Subcommands are not listed here: each is a {@link KabutoSubcommand} found with {@link
 * ServiceLoader}, so a module adds one by putting a {@code
 * META-INF/services/io.kabuto.cli.KabutoSubcommand} file on the classpath.
 *
 * <p>Exit codes: 0 ok, 1 failure at run time, 2 usage error.
 */
@Command(
    name = "kabuto",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {"Kabuto: a distributed stock-exchange simulator on Apache Pekko.", ""},
    footer = {"", "Run 'kabuto COMMAND --help' for the options of a command."})
public final class KabutoCli implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (for tests and in-process use). */
  public static int execute(String... args) {
    CommandLine cl;
    try {
      cl = commandLine();
    } catch (IllegalStateException e) {
      System.err.println("kabuto: " + e.getMessage());
      return EXIT_FAILURE;
    }
    return cl.execute(args);
  }

  /** The root command with every discovered subcommand, sorted by name. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KabutoCli());
    for (Map.Entry<String, KabutoSubcommand> e : discover().entrySet()) {
      cl.addSubcommand(e.getKey(), e.getValue().command());
    }
    cl.setParameterExceptionHandler(KabutoCli::usageError);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof IllegalArgumentException) {
            PrintWriter err = commandLine.getErr();
            err.println(qualifiedName(commandLine) + ": " + ex.getMessage());
            err.println("Run '" + qualifiedName(commandLine) + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
          }
          throw ex; // picocli prints the stack trace and exits 1
        });
    return cl;
  }

  private static Map<String, KabutoSubcommand> discover() {
    Map<String, KabutoSubcommand> byName = new TreeMap<>();
    try {
      for (KabutoSubcommand s : ServiceLoader.load(KabutoSubcommand.class, KabutoCli.class.getClassLoader())) {
        KabutoSubcommand previous = byName.put(s.name(), s);
        if (previous != null) {
          throw new IllegalStateException(
              "two subcommands named '" + s.name() + "': " + previous.getClass().getName() + " and "
                  + s.getClass().getName() + "; rename one (KabutoSubcommand.name())");
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "a META-INF/services/" + KabutoSubcommand.class.getName() + " entry is broken: " + e.getMessage(), e);
    }
    return byName;
  }

  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(qualifiedName(cl) + ": " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    if (cl.getParent() == null && cl.getSubcommands().size() > 0) {
      err.println("Commands: " + String.join(", ", cl.getSubcommands().keySet()));
    }
    err.println("Run '" + qualifiedName(cl) + " --help' for usage.");
    err.flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String qualifiedName(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName();
  }

  /** Version from the kabuto-actors jar's Maven metadata, plus Pekko and Java versions. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "kabuto " + kabutoVersion(),
        "Apache Pekko " + org.apache.pekko.Version.current(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }

    static String kabutoVersion() {
      try (InputStream in =
          KabutoCli.class.getResourceAsStream("/META-INF/maven/io.kabuto/kabuto-actors/pom.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          return p.getProperty("version", "unknown");
        }
      } catch (IOException e) {
        // fall through
      }
      return "(development build, version unknown outside the packaged jar)";
    }
  }
}
