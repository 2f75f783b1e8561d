package dev.userbatch.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which routes of a router an OpenAPI document lacks: the check that keeps the hand-written
 * openapi.json in step with the routes the service really serves.
 */
public final class RouteCoverage {
  private static final Pattern DOC_PARAM = Pattern.compile("\\{[^/}]+}");
  private static final Pattern ROUTE_PARAM = Pattern.compile(":[A-Za-z0-9_]+");

  private RouteCoverage() {}

  /**
   * Each route of {@code routes} that has a path and is not in {@code document}, as {@code "METHOD
   * /path"} ({@code "ANY /path"} for a route without methods). Path parameters ({@code :id}, {@code
   * {id}}), prefix routes ({@code /docs/*} ↔ {@code /docs/{asset}}) and a trailing slash are
   * matched loosely; regular-expression routes cannot be checked and are skipped.
   */
  public static List<String> undocumentedRoutes(JsonObject document, List<Route> routes) {
    // normalised document path (as a pattern: a template segment matches any one segment) ->
    // methods
    Map<Pattern, Set<String>> documented = new LinkedHashMap<>();
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      String normalized = normalizeDocumentPath(path);
      StringBuilder regex = new StringBuilder();
      int at = 0;
      for (int i = normalized.indexOf("{}"); i >= 0; i = normalized.indexOf("{}", at)) {
        regex.append(Pattern.quote(normalized.substring(at, i))).append("[^/]+");
        at = i + 2;
      }
      regex.append(Pattern.quote(normalized.substring(at)));
      documented
          .computeIfAbsent(Pattern.compile(regex.toString()), p -> new TreeSet<>())
          .addAll(
              paths.getJsonObject(path).fieldNames().stream()
                  .map(m -> m.toUpperCase(Locale.ROOT))
                  .toList());
    }
    Set<String> missing = new TreeSet<>();
    for (Route route : routes) {
      if (route.getPath() == null || route.isRegexPath()) {
        continue;
      }
      String key = normalizeRoutePath(route.getPath(), route.isExactPath());
      Set<String> methods = null;
      for (Map.Entry<Pattern, Set<String>> entry : documented.entrySet()) {
        if (entry.getKey().matcher(key).matches()) {
          methods = methods == null ? new TreeSet<>() : methods;
          methods.addAll(entry.getValue());
        }
      }
      String shown =
          route.getPath() + (route.isExactPath() || route.getPath().endsWith("*") ? "" : "*");
      Set<HttpMethod> served = route.methods();
      if (served == null || served.isEmpty()) {
        if (methods == null) {
          missing.add("ANY " + shown);
        }
        continue;
      }
      for (HttpMethod method : served) {
        if (methods == null || !methods.contains(method.name())) {
          missing.add(method.name() + " " + shown);
        }
      }
    }
    return List.copyOf(missing);
  }

  private static String normalizeDocumentPath(String path) {
    return trimSlash(DOC_PARAM.matcher(path).replaceAll("{}"));
  }

  private static String normalizeRoutePath(String path, boolean exact) {
    String p = ROUTE_PARAM.matcher(path).replaceAll("{}");
    if (p.endsWith("*")) {
      p = p.substring(0, p.length() - 1);
      exact = false;
    }
    if (!exact) {
      p = (p.endsWith("/") ? p : p + "/") + "{}";
    }
    return trimSlash(p);
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
