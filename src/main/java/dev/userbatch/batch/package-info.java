/**
 * The vocabulary every layer shares: the operation table ({@link dev.userbatch.batch.Operation}),
 * options, typed chunk items with their wire codecs, chunk requests and results, outcomes, error
 * codes and the one error type {@link dev.userbatch.batch.RequestException}. It depends on no other
 * package of the service except {@code user} (the {@code User} record).
 */
package dev.userbatch.batch;
