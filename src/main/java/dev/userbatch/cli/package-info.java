/**
 * The command-line client in the service's own jar, for the person doing a migration: {@code
 * import} streams a CSV or NDJSON file into an import job and follows it with a progress bar,
 * {@code jobs}, {@code status}, {@code cancel}, {@code failures} and {@code retry} (re-submits only
 * the failed lines of the original file). It speaks the jobs HTTP API with the JDK's HTTP client
 * and depends on no other package of the service: {@code Main} hands it the {@code serve} action.
 */
package dev.userbatch.cli;
