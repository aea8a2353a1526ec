package io.kabuto.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resolved Typesafe Config of one Kabuto node, built in layers (highest wins):
 *
 * <ol>
 *   <li>{@code --config FILE}
 *   <li>command-line values: port, hostname, seeds, roles, data dir
 *   <li>JVM system properties ({@code -Dkey=value}, e.g. from {@code KABUTO_JAVA_OPTS})
 *   <li>{@code kabuto/roles/<role>.conf}, one per role of the node
 *   <li>{@code kabuto/storage/replicated.conf} (the replicated journal; a {@code --config} file may
 *       include another storage mode, e.g. {@code legacy-pair.conf} or {@code local-leveldb.conf})
 *   <li>{@code kabuto/base.conf}
 *   <li>{@code application.conf} (if any) and Pekko's {@code reference.conf} files, i.e. the
 *       {@code ConfigFactory.load()} defaults
 * </ol>
 *
 * The {@code kabuto/*.conf} files come from the {@code cluster-config} module. All layers are
 * merged unresolved and resolved once, so substitutions such as {@code ${kabuto.data-dir}} see
 * the final values.
 *
 * <p>Seeds given as {@code host:port} become {@code pekko://kabuto@host:port}. With no seeds
 * anywhere, the node's own address is its only seed: a single node joins itself.
 */
public final class NodeConfig {

  /** Name of every Kabuto actor system; part of every cluster address. */
  public static final String SYSTEM_NAME = "kabuto";

  public static final String ROLE_MATCHING = "matching";
  public static final String ROLE_STORAGE = "storage";
  public static final String ROLE_GATEWAY = "gateway";
  /** All roles a node may have, in the order their config files are layered (later wins). */
  public static final List<String> VALID_ROLES = List.of(ROLE_MATCHING, ROLE_STORAGE, ROLE_GATEWAY);

  public static final String DEFAULT_HOSTNAME = "127.0.0.1";
  public static final int DEFAULT_PORT = 25520;

  /** Classpath locations of the layers (packaged from cluster-config/). */
  public static final String BASE_RESOURCE = "kabuto/base.conf";
  public static final String STORAGE_RESOURCE = "kabuto/storage/replicated.conf";

  public static String roleResource(String role) {
    return "kabuto/roles/" + role + ".conf";
  }

  /** What the command line asked for; {@code null} / empty means "not given". */
  public static final class Options {
    private List<String> roles;
    private Integer port;
    private String hostname;
    private List<String> seeds = List.of();
    private Path configFile;
    private Path dataDir;

    public Options roles(List<String> roles) {
      this.roles = roles;
      return this;
    }

    public Options port(Integer port) {
      this.port = port;
      return this;
    }

    public Options hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Options seeds(List<String> seeds) {
      this.seeds = seeds == null ? List.of() : seeds;
      return this;
    }

    public Options configFile(Path configFile) {
      this.configFile = configFile;
      return this;
    }

    public Options dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }
  }

  private final Config config;
  private final List<String> roles;
  private final List<String> seedNodes;
  private final String hostname;
  private final int port;
  private final Path dataDir;

  private NodeConfig(Config config) {
    this.config = config;
    this.roles = List.copyOf(config.getStringList("pekko.cluster.roles"));
    this.seedNodes = List.copyOf(config.getStringList("pekko.cluster.seed-nodes"));
    this.hostname = config.getString("pekko.remote.artery.canonical.hostname");
    this.port = config.getInt("pekko.remote.artery.canonical.port");
    this.dataDir = Path.of(config.getString("kabuto.data-dir")).toAbsolutePath().normalize();
  }

  /** Builds a node config with all defaults: one node, all roles, port 25520, joining itself. */
  public static NodeConfig defaults() {
    return build(new Options());
  }

  /**
   * Builds and validates the layered config.
   *
   * @throws NodeConfigException with a message saying what to fix
   */
  public static NodeConfig build(Options options) {
    Objects.requireNonNull(options, "options");
    ClassLoader loader = NodeConfig.class.getClassLoader();

    Config fileLayer = options.configFile == null ? ConfigFactory.empty() : parseConfigFile(options.configFile);

    // --config is the highest layer, so its kabuto.node.roles beats --roles.
    List<String> roles = options.roles == null ? VALID_ROLES : validateRoles(options.roles, "--roles");
    if (fileLayer.hasPath("kabuto.node.roles")) {
      roles =
          validateRoles(
              stringList(fileLayer, "kabuto.node.roles", options.configFile),
              "kabuto.node.roles in " + options.configFile);
    }

    Map<String, Object> flags = new HashMap<>();
    flags.put("kabuto.node.roles", roles);
    if (options.port != null) {
      flags.put("pekko.remote.artery.canonical.port", validatePort(options.port, "--port", true));
    }
    if (options.hostname != null) {
      flags.put("pekko.remote.artery.canonical.hostname", validateHostname(options.hostname, "--hostname"));
    }
    if (!options.seeds.isEmpty()) {
      List<String> seeds = new ArrayList<>();
      for (String s : options.seeds) {
        seeds.add(seedAddress(s));
      }
      flags.put("pekko.cluster.seed-nodes", seeds);
    }
    if (options.dataDir != null) {
      flags.put("kabuto.data-dir", options.dataDir.toAbsolutePath().normalize().toString());
    }
    Config flagLayer = ConfigFactory.parseMap(flags, "command line");

    Config layered = fileLayer.withFallback(flagLayer).withFallback(ConfigFactory.defaultOverrides(loader));
    // Role files: later roles in VALID_ROLES order win over earlier ones.
    for (int i = VALID_ROLES.size() - 1; i >= 0; i--) {
      String role = VALID_ROLES.get(i);
      if (roles.contains(role)) {
        layered = layered.withFallback(resource(loader, roleResource(role)));
      }
    }
    layered =
        layered
            .withFallback(resource(loader, STORAGE_RESOURCE))
            .withFallback(resource(loader, BASE_RESOURCE))
            .withFallback(ConfigFactory.defaultApplication(loader))
            .withFallback(ConfigFactory.defaultReferenceUnresolved(loader));

    Config resolved;
    try {
      resolved = layered.resolve();
    } catch (ConfigException e) {
      throw new NodeConfigException(
          "the node configuration does not resolve: " + e.getMessage()
              + (options.configFile != null ? " (check " + options.configFile + ")" : ""),
          e);
    }

    // Values that may have come from --config or -D must be as valid as the flags.
    try {
      List<String> finalRoles = resolved.getStringList("pekko.cluster.roles");
      validateRoles(finalRoles, "pekko.cluster.roles");
      if (!List.copyOf(new LinkedHashSet<>(finalRoles)).equals(roles)) {
        throw new NodeConfigException(
            "pekko.cluster.roles " + finalRoles + " differs from the node roles " + roles
                + ": set roles with --roles or kabuto.node.roles (pekko.cluster.roles is derived from it)");
      }
      validatePort(resolved.getInt("pekko.remote.artery.canonical.port"), "pekko.remote.artery.canonical.port", true);
      String host = validateHostname(resolved.getString("pekko.remote.artery.canonical.hostname"), "pekko.remote.artery.canonical.hostname");
      int port = resolved.getInt("pekko.remote.artery.canonical.port");
      resolved.getString("kabuto.data-dir");

      if (resolved.getStringList("pekko.cluster.seed-nodes").isEmpty() && port != 0) {
        // No seeds anywhere: this node is the cluster. (With port 0 the address is only known
        // once bound; KabutoNode then joins itself programmatically.)
        resolved =
            resolved.withValue(
                "pekko.cluster.seed-nodes",
                ConfigValueFactory.fromIterable(List.of(address(host, port)), "no seeds: join self"));
      }
    } catch (ConfigException e) {
      throw new NodeConfigException("invalid node configuration: " + e.getMessage(), e);
    }
    return new NodeConfig(resolved);
  }

  /** {@code host:port} (or a full {@code pekko://kabuto@host:port}) to a seed-node address. */
  public static String seedAddress(String hostPort) {
    String s = hostPort == null ? "" : hostPort.trim();
    String prefix = "pekko://" + SYSTEM_NAME + "@";
    if (s.startsWith("pekko://")) {
      if (!s.startsWith(prefix)) {
        throw new NodeConfigException(
            "seed '" + hostPort + "' is not a Kabuto node: the actor system must be '" + SYSTEM_NAME
                + "'; give seeds as host:port, e.g. --seeds 127.0.0.1:25520");
      }
      s = s.substring(prefix.length());
    }
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new NodeConfigException(
          "seed '" + hostPort + "' is not host:port; give seeds as host:port[,host:port...], e.g. --seeds 127.0.0.1:25520");
    }
    String host = validateHostname(s.substring(0, colon), "seed '" + hostPort + "'");
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new NodeConfigException(
          "seed '" + hostPort + "' has no numeric port; give seeds as host:port, e.g. --seeds 127.0.0.1:25520");
    }
    validatePort(port, "seed '" + hostPort + "'", false);
    return address(host, port);
  }

  /** Splits a comma-separated role list ({@code "matching,gateway"}) and validates it. */
  public static List<String> parseRoles(String csv) {
    List<String> roles = new ArrayList<>();
    for (String r : (csv == null ? "" : csv).split(",")) {
      if (!r.isBlank()) {
        roles.add(r.trim());
      }
    }
    return validateRoles(roles, "--roles");
  }

  private static String address(String host, int port) {
    return "pekko://" + SYSTEM_NAME + "@" + host + ":" + port;
  }

  private static List<String> validateRoles(List<String> roles, String source) {
    if (roles.isEmpty()) {
      throw new NodeConfigException(
          source + " is empty: give at least one of " + String.join(", ", VALID_ROLES)
              + " (e.g. --roles matching,storage,gateway)");
    }
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (String role : roles) {
      String r = role == null ? "" : role.trim();
      if (!VALID_ROLES.contains(r)) {
        throw new NodeConfigException(
            "unknown role '" + r + "' in " + source + ": valid roles are " + String.join(", ", VALID_ROLES)
                + " (comma-separated, e.g. --roles matching,gateway)");
      }
      seen.add(r);
    }
    return List.copyOf(seen);
  }

  private static int validatePort(int port, String source, boolean allowZero) {
    int min = allowZero ? 0 : 1;
    if (port < min || port > 65535) {
      throw new NodeConfigException(
          "bad port " + port + " in " + source + ": use " + min + "-65535"
              + (allowZero ? " (0 = any free port)" : "") + ", e.g. " + DEFAULT_PORT);
    }
    return port;
  }

  private static String validateHostname(String host, String source) {
    String h = host == null ? "" : host.trim();
    if (h.isEmpty() || h.chars().anyMatch(c -> Character.isWhitespace(c) || c == '@' || c == '/')) {
      throw new NodeConfigException(
          "bad hostname '" + host + "' in " + source + ": give a host name or IP address, e.g. " + DEFAULT_HOSTNAME);
    }
    return h;
  }

  private static Config parseConfigFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new NodeConfigException(
          "--config " + file + ": no such file (resolved to " + file.toAbsolutePath()
              + "); give the path of a HOCON file, e.g. --config my-node.conf");
    }
    if (!Files.isReadable(file)) {
      throw new NodeConfigException("--config " + file + ": file is not readable; fix its permissions (chmod a+r)");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new NodeConfigException(
          "--config " + file + " is not valid HOCON: " + e.getMessage()
              + "; fix the syntax (see cluster-config/base.conf for examples)",
          e);
    }
  }

  private static List<String> stringList(Config c, String path, Path file) {
    try {
      return c.getStringList(path);
    } catch (ConfigException e) {
      throw new NodeConfigException(
          path + " in " + file + " must be a list of role names, e.g. " + path + " = [matching, gateway]", e);
    }
  }

  private static Config resource(ClassLoader loader, String name) {
    try {
      return ConfigFactory.parseResources(loader, name, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException.IO e) {
      throw new NodeConfigException(
          name + " is missing from the classpath: the kabuto-cluster-config jar must be on it"
              + " (rebuild with `mvn -B -DskipTests package`, or run through ./kabuto)",
          e);
    }
  }

  /** The resolved config to start the actor system with. */
  public Config config() {
    return config;
  }

  /** Cluster roles of this node (subset of {@link #VALID_ROLES}). */
  public List<String> roles() {
    return roles;
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Seed-node addresses ({@code pekko://kabuto@host:port}); empty only when port is 0. */
  public List<String> seedNodes() {
    return seedNodes;
  }

  public String hostname() {
    return hostname;
  }

  /** Configured Artery port; 0 = any free port. */
  public int port() {
    return port;
  }

  /** This node's address as configured; with port 0 the real one is known only once bound. */
  public String selfAddress() {
    return address(hostname, port);
  }

  /** True when the node forms its own cluster: no seeds, or itself as only seed. */
  public boolean joinsSelf() {
    return seedNodes.isEmpty() || seedNodes.equals(List.of(selfAddress()));
  }

  /** Absolute data dir ({@code kabuto.data-dir}): journal and snapshots live below it. */
  public Path dataDir() {
    return dataDir;
  }
}
