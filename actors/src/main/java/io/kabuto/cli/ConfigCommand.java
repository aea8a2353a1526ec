package io.kabuto.cli;

import io.kabuto.node.ConfigAudit;
import io.kabuto.node.NodeConfig;
import io.kabuto.node.NodeConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kabuto config}: inspects node configuration without starting a node. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {"Inspects a node configuration without starting a node.", ""},
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: try 'check'");
  }

  /** {@code kabuto config check [FILE]}: the node's config audit, printed. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      versionProvider = KabutoCli.Version.class,
      description = {
        "Builds the configuration a node would run with (FILE as its --config)",
        "and audits it for settings that disable or slow failover or lose",
        "acknowledged orders: downing, the split brain resolver and its timings,",
        "book passivation, and the journal's storage settings.",
        "Exit codes: 0 no errors (warnings allowed), 1 at least one error,",
        "2 the file is missing or not valid HOCON.",
        ""
      },
      footer = {
        "",
        "Examples:",
        "  kabuto config check",
        "  kabuto config check my-node.conf --roles matching"
      })
  public static final class Check implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "FILE",
        description = "HOCON file, as given to 'kabuto node --config' (default: none).")
    Path file;

    @Option(
        names = "--roles",
        split = ",",
        paramLabel = "ROLE[,ROLE...]",
        hideParamSyntax = true,
        description = "Roles of the node to check: matching, storage, gateway (default: all three).")
    List<String> roles;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      NodeConfig nc;
      try {
        nc = NodeConfig.build(new NodeConfig.Options().configFile(file).roles(roles));
      } catch (NodeConfigException e) {
        err.println("kabuto config check: " + e.getMessage());
        err.flush();
        return KabutoCli.EXIT_USAGE;
      }
      List<ConfigAudit.Finding> findings = ConfigAudit.check(nc.config());
      long errors = findings.stream().filter(f -> f.severity() == ConfigAudit.Severity.ERROR).count();
      long warnings = findings.size() - errors;
      for (ConfigAudit.Finding f : findings) {
        out.println(f);
      }
      String what = (file == null ? "built-in defaults" : file.toString()) + ", roles " + nc.roles();
      if (errors > 0) {
        out.println("config check: " + errors + " error(s), " + warnings + " warning(s) in " + what
            + "; fix the errors above before running nodes with it");
      } else {
        out.println("config check: no errors, " + warnings + " warning(s) in " + what);
      }
      out.flush();
      return errors > 0 ? KabutoCli.EXIT_FAILURE : KabutoCli.EXIT_OK;
    }
  }

  /** Registers {@code config} like any other subcommand. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "config";
    }

    @Override
    public Object command() {
      return new ConfigCommand();
    }
  }
}
