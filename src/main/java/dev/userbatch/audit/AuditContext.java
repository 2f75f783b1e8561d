package dev.userbatch.audit;

/** Who asked for a batch, and from where: recorded with the batch in the audit trail. */
public record AuditContext(String actor, String clientIp, String userAgent, String correlationId) {}
