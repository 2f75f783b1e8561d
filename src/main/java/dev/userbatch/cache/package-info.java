/**
 * The Redis user cache: pipelined reads and write-through, with a generation that invalidates every
 * entry after a write whose cache update was lost.
 */
package dev.userbatch.cache;
