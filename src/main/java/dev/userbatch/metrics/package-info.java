/**
 * Micrometer metrics with the Prometheus registry: batch, chunk, item and response-stream figures.
 */
package dev.userbatch.metrics;
