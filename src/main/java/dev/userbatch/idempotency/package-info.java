/**
 * Idempotency keys: the stored response of a finished request, keyed by caller and key, compared
 * with the new request through an HMAC of its body.
 */
package dev.userbatch.idempotency;
