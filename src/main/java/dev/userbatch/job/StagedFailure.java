package dev.userbatch.job;

/**
 * A failed item as {@code import_job_failures} keeps it: the item as shown to the caller (JSON
 * text, secrets redacted; null when the line could not be read), and the failure.
 */
record StagedFailure(int index, int line, String item, String code, String error, String path) {}
