/**
 * Authentication and cost: JWT verification from a secret, PEM keys or a JWKS (checked at
 * start-up), scopes, development credentials written only when asked for, and the cost-weighted
 * rate limiter.
 */
package dev.userbatch.security;
