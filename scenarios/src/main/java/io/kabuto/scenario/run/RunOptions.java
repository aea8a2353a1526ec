package io.kabuto.scenario.run;

import java.nio.file.Path;

/**
 * How to run a scenario.
 *
 * @param out where history.jsonl, summary.json, report.html (and the started cluster's run dir)
 *     go
 * @param attachRunDir run dir of an already running {@code ./kabuto cluster}; null = start one
 *     under {@code out/cluster} and stop it at the end
 */
public record RunOptions(Path out, Path attachRunDir) {}
