/**
 * The typed configuration, read once from the environment (and an optional file) at start-up; a bad
 * value stops start-up with a message naming the variable.
 */
package dev.userbatch.config;
