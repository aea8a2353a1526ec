package io.kabuto.node;

/**
 * A node cannot be configured as asked. The message says what was wrong and how to fix it;
 * the CLI prints it as a usage error (exit code 2).
 */
public final class NodeConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public NodeConfigException(String message) {
    super(message);
  }

  public NodeConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
