package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

/**
 * Import jobs ({@code POST /batch/users/jobs}), part of {@link ServiceConfig}.
 *
 * @param maxUploadBytes the largest upload accepted; a longer body is refused with 413 and nothing
 *     of it is kept
 * @param maxLineBytes the longest NDJSON line or CSV record; a longer one is that line's failure
 * @param stageLines lines validated and staged together (one INSERT of their chunks)
 * @param leaseMs how long a node holds a job without renewing it; after that, another node (or the
 *     same one restarted) resumes it
 * @param pollIntervalMs how often a node looks for jobs to start or resume
 * @param maxRunningPerNode jobs one node runs at once; 0: the node takes uploads but runs no jobs
 * @param chunkAttempts how often a chunk that failed as a whole (timeout, database down) is sent
 *     before its items are recorded as failed
 */
public record JobsConfig(
    long maxUploadBytes,
    int maxLineBytes,
    int stageLines,
    long leaseMs,
    long pollIntervalMs,
    int maxRunningPerNode,
    int chunkAttempts) {

  public JobsConfig {
    require("jobMaxUploadBytes", maxUploadBytes);
    require("jobMaxLineBytes", maxLineBytes);
    require("jobStageLines", stageLines);
    require("jobLeaseMs", leaseMs);
    require("jobPollIntervalMs", pollIntervalMs);
    if (maxRunningPerNode < 0) {
      require("jobMaxRunningPerNode", maxRunningPerNode);
    }
    require("jobChunkAttempts", chunkAttempts);
    if (leaseMs < 1_000) {
      throw new IllegalArgumentException(
          "Configuration jobLeaseMs (env JOB_LEASE_MS) must be at least 1000, got " + leaseMs);
    }
  }

  static JobsConfig fromJson(JsonObject json) {
    return new JobsConfig(
        ServiceConfig.longField(json, "jobMaxUploadBytes"),
        Math.toIntExact(ServiceConfig.longField(json, "jobMaxLineBytes")),
        Math.toIntExact(ServiceConfig.longField(json, "jobStageLines")),
        ServiceConfig.longField(json, "jobLeaseMs"),
        ServiceConfig.longField(json, "jobPollIntervalMs"),
        Math.toIntExact(ServiceConfig.longField(json, "jobMaxRunningPerNode")),
        Math.toIntExact(ServiceConfig.longField(json, "jobChunkAttempts")));
  }

  private static void require(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be positive, got "
              + value);
    }
  }
}
