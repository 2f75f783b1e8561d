/**
 * Users themselves: the {@code User} record, the repository and its SQL (one statement per chunk),
 * email and name rules, password hashing (Argon2id through libargon2) and the accepted
 * imported-hash formats.
 */
package dev.userbatch.user;
