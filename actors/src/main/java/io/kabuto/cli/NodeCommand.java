package io.kabuto.cli;

import io.kabuto.node.KabutoNode;
import io.kabuto.node.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kabuto node}: runs one cluster node until Ctrl-C / SIGTERM. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {
      "Runs one Kabuto cluster node until Ctrl-C, then leaves the cluster gracefully.",
      "With no options: one node with all roles on 127.0.0.1:25520 that joins itself",
      "and keeps its journal and snapshots under run/data/node-25520.",
      ""
    },
    footer = {
      "",
      "Configuration layers, highest first: --config FILE, these options,",
      "-D system properties, cluster-config/roles/<role>.conf,",
      "cluster-config/storage/replicated.conf, cluster-config/base.conf,",
      "Pekko defaults.",
      "",
      "Examples:",
      "  kabuto node",
      "  kabuto node --port 25521 --roles matching --seeds 127.0.0.1:25520",
      "  kabuto node --config my-node.conf --data-dir /tmp/kabuto-n1"
    })
public final class NodeCommand implements Callable<Integer> {

  @Option(
      names = "--roles",
      split = ",",
      paramLabel = "ROLE[,ROLE...]",
      hideParamSyntax = true,
      description = "Roles of this node: matching, storage, gateway (default: all three).")
  List<String> roles;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Artery TCP port (default: " + NodeConfig.DEFAULT_PORT + "; 0 = any free port).")
  Integer port;

  @Option(
      names = "--hostname",
      paramLabel = "HOST",
      description = "Host name or IP this node binds and is reached at (default: " + NodeConfig.DEFAULT_HOSTNAME + ").")
  String hostname;

  @Option(
      names = "--seeds",
      split = ",",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      hideParamSyntax = true,
      description = "Seed nodes to join (default: none: the node joins itself).")
  List<String> seeds;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file whose settings override everything else.")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Journal and snapshot directory (default: run/data/node-<port> in the repo).")
  Path dataDir;

  @Override
  public Integer call() {
    NodeConfig nc =
        NodeConfig.build(
            new NodeConfig.Options()
                .roles(roles)
                .port(port)
                .hostname(hostname)
                .seeds(seeds)
                .configFile(configFile)
                .dataDir(dataDir));
    return KabutoNode.run(nc);
  }

  /** Registers {@code node} like any other subcommand. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "node";
    }

    @Override
    public Object command() {
      return new NodeCommand();
    }
  }
}
