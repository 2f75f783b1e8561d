/**
 * The HTTP entry point: routes derived from the operation table, bounded body and envelope reading,
 * the OpenAPI document and Swagger UI, health and metrics routes, and error responses.
 */
package dev.userbatch.http;
