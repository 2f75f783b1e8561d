package dev.userbatch.job;

import dev.userbatch.batch.ChunkItem;

/** An item that passed validation, with its 0-based index in the upload and its line. */
record StagedItem(int index, int line, ChunkItem value) {}
