package dev.userbatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the service form no cycle (issue 13 item 7): each depends only on packages below
 * it, so the way of a request reads from {@code http} down to {@code batch}. Dependencies are read
 * from the import lines of the main sources.
 */
class PackageCyclesTest {
  private static final Path MAIN = Path.of("src", "main", "java", "dev", "userbatch");
  private static final Pattern PACKAGE =
      Pattern.compile("^package dev\\.userbatch\\.?([\\w.]*);", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?dev\\.userbatch\\.([a-z]\\w*)\\.[A-Z]", Pattern.MULTILINE);

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    assertTrue(
        graph.containsKey("runner") && graph.get("runner").contains("batch"),
        "graph read: " + graph);
    List<List<String>> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      List<String> path = cycleFrom(start, start, graph, new ArrayList<>(), new TreeSet<>());
      if (path != null) {
        cycles.add(path);
      }
    }
    assertEquals(List.of(), cycles, "package cycles");
  }

  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
          continue;
        }
        String from = pkg.group(1).isEmpty() ? "(root)" : pkg.group(1);
        Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher imports = IMPORT.matcher(source);
        while (imports.find()) {
          if (!imports.group(1).equals(from)) {
            targets.add(imports.group(1));
          }
        }
      }
    }
    return graph;
  }

  /** A path from {@code node} back to {@code start}, or null. */
  private static List<String> cycleFrom(
      String start,
      String node,
      Map<String, Set<String>> graph,
      List<String> path,
      Set<String> seen) {
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (seen.add(next)) {
        List<String> found = cycleFrom(start, next, graph, path, seen);
        if (found != null) {
          return found;
        }
      }
    }
    path.remove(path.size() - 1);
    return null;
  }
}
