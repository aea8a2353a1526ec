package io.kabuto.scenario.model;

/**
 * A scenario file that cannot be run: the message names the file, the path inside it, what is
 * wrong and how to fix it, so the author does not have to guess.
 */
public final class ScenarioError extends RuntimeException {
  public ScenarioError(String message) {
    super(message);
  }

  static ScenarioError at(String file, String path, String problem, String fix) {
    return new ScenarioError(file + ": " + path + ": " + problem + ". Fix: " + fix);
  }
}
