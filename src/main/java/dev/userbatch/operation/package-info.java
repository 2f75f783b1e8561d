/**
 * The request side of each operation: an {@code ItemPreparer} per operation that checks every item
 * on its own and turns it into the operation's typed chunk item; {@code Operations} holds them, one
 * per table entry.
 */
package dev.userbatch.operation;
