package dev.userbatch.job;

import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Failures as the six parallel arrays {@code import_job_failures} rows are inserted from. */
record FailureArrays(
    Integer[] indexes,
    Integer[] lines,
    String[] items,
    String[] codes,
    String[] errors,
    String[] paths) {

  static FailureArrays of(List<StagedFailure> failures) {
    int n = failures.size();
    FailureArrays arrays =
        new FailureArrays(
            new Integer[n],
            new Integer[n],
            new String[n],
            new String[n],
            new String[n],
            new String[n]);
    for (int i = 0; i < n; i++) {
      StagedFailure f = failures.get(i);
      arrays.indexes[i] = f.index();
      arrays.lines[i] = f.line();
      arrays.items[i] = f.item();
      arrays.codes[i] = f.code();
      arrays.errors[i] = f.error();
      arrays.paths[i] = f.path();
    }
    return arrays;
  }

  void addTo(Tuple args) {
    args.addArrayOfInteger(indexes)
        .addArrayOfInteger(lines)
        .addArrayOfString(items)
        .addArrayOfString(codes)
        .addArrayOfString(errors)
        .addArrayOfString(paths);
  }
}
