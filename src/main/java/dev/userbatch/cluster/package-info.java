/**
 * Clustered mode (CLUSTER=true): Vert.x over Hazelcast with the service's settings applied over
 * {@code conf/cluster.xml}, event-bus TLS between members, the membership view readiness reports,
 * and the join/leave log lines. Nothing here runs on a single node.
 */
package dev.userbatch.cluster;
