/**
 * Import jobs: an upload of up to millions of items (NDJSON or CSV) parsed as it streams in ({@link
 * dev.userbatch.job.LineSplitter}, {@link dev.userbatch.job.CsvRecords}), validated per item with
 * the operations' own preparers and staged in PostgreSQL chunk by chunk ({@link
 * dev.userbatch.job.JobStager}, {@link dev.userbatch.job.JobStore}) before it is acknowledged; then
 * run by whichever node holds the job's lease ({@link dev.userbatch.job.JobsVerticle}, {@link
 * dev.userbatch.job.JobRun}), chunk by chunk through the same chunk workers as synchronous batches,
 * over the event bus. Depends on {@code batch}, {@code operation}, {@code validation}, {@code
 * config} and {@code user}; the HTTP routes live in {@code http}.
 */
package dev.userbatch.job;
