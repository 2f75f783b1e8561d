/**
 * The retention purge: deletes expired idempotency keys, and audit rows, change records and relayed
 * outbox events older than their configured retention, in bounded steps, on one node at a time.
 */
package dev.userbatch.retention;
