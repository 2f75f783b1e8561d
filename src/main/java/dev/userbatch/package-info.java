/**
 * The service's entry points: {@code Main} (the command line and the fat jar) and {@code
 * UserBatchApp}, which resolves PostgreSQL and Redis, migrates, and deploys the verticles in order
 * (and stops them in reverse).
 */
package dev.userbatch;
