/**
 * The event-bus entry points: the {@code users.batch.*} API for co-deployed verticles, the Java
 * facade {@code BatchService}, and the TCP bridge for other languages with its own bounded frame
 * reader.
 */
package dev.userbatch.busapi;
