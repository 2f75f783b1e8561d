package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One round of the mixed load against one service: {@code clients} threads, each sending its next
 * request as soon as the last one is answered, for a fixed time. Each request is, at random, a
 * create of 10 users with passwordHash, a lookup of 50 ids of the pool, or an update of 10 names of
 * the client's own slice of the pool (so no two clients update the same user at once).
 */
final class LoadRound {
  static final String[] OPERATIONS = {"create", "lookup", "update"};
  static final String MIX =
      "1/3 create (10 users, passwordHash), 1/3 lookup (50 ids), 1/3 update (10 names)";
  private static final int[] ITEMS = {10, 50, 10};

  /** What one round measured: latencies by operation, failed requests, items done. */
  record Result(
      double seconds,
      List<List<Double>> latencies,
      long errors,
      long items,
      List<String> errorSamples) {
    int requests() {
      return latencies.stream().mapToInt(List::size).sum();
    }

    double requestsPerSecond() {
      return requests() / seconds;
    }
  }

  private LoadRound() {}

  /** {@code tag} makes the emails of this round's creates unique within the run. */
  static Result run(
      ServiceHttp target, String prefix, List<String> pool, int clients, double seconds, String tag)
      throws Exception {
    int slice = pool.size() / clients;
    List<List<List<Double>>> latencies = new ArrayList<>(); // client -> operation -> ms
    AtomicLong errors = new AtomicLong();
    AtomicLong items = new AtomicLong();
    List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    ExecutorService executor = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      List<List<Double>> mine = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      latencies.add(mine);
      List<String> own = pool.subList(c * slice, (c + 1) * slice);
      int client = c;
      futures.add(
          executor.submit(
              () -> {
                Random random = new Random(client * 7919L + System.nanoTime());
                int seq = 0;
                while (System.nanoTime() < end) {
                  int op = random.nextInt(3);
                  String method = op == 2 ? "PATCH" : "POST";
                  String path = "/batch/users/" + OPERATIONS[op];
                  JsonObject body =
                      switch (op) {
                        case 0 ->
                            Payloads.create(
                                Payloads.users(
                                    prefix, tag + "-c" + client + "-" + seq++, ITEMS[0], false),
                                null);
                        case 1 -> Payloads.lookup(randomIds(pool, ITEMS[1], random), null);
                        default -> {
                          int from = random.nextInt(own.size() - ITEMS[2]);
                          yield Payloads.update(own.subList(from, from + ITEMS[2]), tag + seq++);
                        }
                      };
                  Reply reply = target.call(method, path, body.encode());
                  mine.get(op).add(reply.ms());
                  String problem = reply.problem(ITEMS[op]);
                  if (problem != null) {
                    errors.incrementAndGet();
                    if (errorSamples.size() < 10) {
                      errorSamples.add(OPERATIONS[op] + ": " + problem);
                    }
                  } else {
                    items.addAndGet(ITEMS[op]);
                  }
                }
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      executor.shutdown();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    List<List<Double>> byOperation = new ArrayList<>();
    for (int op = 0; op < OPERATIONS.length; op++) {
      List<Double> all = new ArrayList<>();
      for (List<List<Double>> client : latencies) {
        all.addAll(client.get(op));
      }
      byOperation.add(all);
    }
    return new Result(
        elapsed, byOperation, errors.get(), items.get(), new ArrayList<>(errorSamples));
  }

  private static List<String> randomIds(List<String> pool, int n, Random random) {
    Set<String> chosen = new LinkedHashSet<>();
    while (chosen.size() < n) {
      chosen.add(pool.get(random.nextInt(pool.size())));
    }
    return new ArrayList<>(chosen);
  }
}
