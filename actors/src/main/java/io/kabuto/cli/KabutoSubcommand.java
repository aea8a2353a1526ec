package io.kabuto.cli;

/**
 * A subcommand of the {@code kabuto} CLI, found with {@link java.util.ServiceLoader}.
 *
 * <p>To add one (e.g. {@code kabuto bench}), put a picocli {@code @Command} class on the
 * classpath and list a class implementing this interface in {@code
 * META-INF/services/io.kabuto.cli.KabutoSubcommand} (one fully qualified name per line, public
 * no-arg constructor). No change to {@link KabutoCli} is needed.
 *
 * <p>The command object should implement {@code Callable<Integer>} (its result is the exit
 * code) or {@code Runnable}. Invalid input should throw picocli's {@code ParameterException}
 * (exit 2, with a hint to run {@code --help}); an {@link IllegalArgumentException} from the
 * command is also reported as a usage error (exit 2) with its message.
 */
public interface KabutoSubcommand {

  /** The name typed after {@code kabuto}, e.g. {@code "node"}. Unique across the classpath. */
  String name();

  /** A new picocli-annotated command object ({@code @Command}); called once per CLI run. */
  Object command();
}
