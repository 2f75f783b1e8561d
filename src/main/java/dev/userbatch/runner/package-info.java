/**
 * The way of one batch: {@code Admission} (how many batches and body bytes are in flight), {@code
 * BatchRunner} (validate, idempotency, audit, metrics) and {@code BatchCoordinator} (cut into
 * chunks, send them to the workers within the concurrency window, aggregate the replies).
 */
package dev.userbatch.runner;
