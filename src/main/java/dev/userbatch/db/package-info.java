/**
 * PostgreSQL plumbing: the pools (chunk, request, relay), migrations, explicit transactions that
 * tell a failed COMMIT from an unknown outcome, the {@code batch_changes} rows, and URL parsing.
 */
package dev.userbatch.db;
