package dev.userbatch.job;

import java.util.List;

/**
 * What one staging step writes in one statement: the chunks that filled up, the items that failed
 * validation, and how many items it read and skipped (repeats folded into an earlier item, create
 * conflicts skipped inside the upload).
 */
record StageBatch(
    List<ChunkBody> chunks,
    List<StagedFailure> failures,
    int items,
    int skipped,
    boolean ordered) {}
