/**
 * Where PostgreSQL and Redis come from: {@link dev.userbatch.embedded.InfrastructureEndpoints}
 * applies the policy (configured URL, local default, or an embedded server started from
 * Maven-provided binaries).
 */
package dev.userbatch.embedded;
