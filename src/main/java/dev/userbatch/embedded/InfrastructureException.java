package dev.userbatch.embedded;

/**
 * Start-up error: a configured PostgreSQL/Redis is unreachable, no server could be found,
 * or an embedded server could not be started. The message is meant for humans and never
 * contains passwords.
 */
public class InfrastructureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
