/**
 * The audit trail: one {@code audit_log} row per batch, opened before the first chunk and closed at
 * the end, and the correlation ids that tie a request's log lines, audit row and events together.
 */
package dev.userbatch.audit;
