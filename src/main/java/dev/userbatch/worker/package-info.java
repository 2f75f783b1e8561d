/**
 * The chunk workers: one worker verticle consuming every operation's worker address, and a chunk
 * handler per operation that runs a write chunk in one transaction, or a lookup chunk as a
 * pipelined Redis read with PostgreSQL for the misses.
 */
package dev.userbatch.worker;
