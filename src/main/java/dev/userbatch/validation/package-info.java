/**
 * JSON Schema validation of request envelopes and items, the fast acceptance path that only ever
 * says "certainly valid", and the error messages that name the field.
 */
package dev.userbatch.validation;
