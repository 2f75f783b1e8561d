/**
 * The outbox relay: publishes each finished batch's event, recorded in {@code outbox_events} in the
 * batch's own transactions, on the event bus and a Redis Stream, with back-off while either is
 * down.
 */
package dev.userbatch.outbox;
