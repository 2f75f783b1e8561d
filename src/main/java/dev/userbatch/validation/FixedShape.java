package dev.userbatch.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An anchored pattern made only of character classes with a fixed count and literal characters,
 * such as the user-id pattern {@code ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-...$}, checked character by
 * character: the same answer as the regex, without its cost (a third of a lookup's validation).
 */
final class FixedShape {
  private static final Pattern PART =
      Pattern.compile(
          "\\[((?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9])+)]\\{([0-9]{1,3})}|([A-Za-z0-9@_,-])");

  private FixedShape() {}

  /** The test for {@code regex}, or null if it does not have that form. */
  static Predicate<String> of(String regex) {
    if (!regex.startsWith("^") || !regex.endsWith("$")) {
      return null;
    }
    List<boolean[]> positions = new ArrayList<>();
    Matcher part = PART.matcher(regex).region(1, regex.length() - 1);
    int at = 1;
    while (at < regex.length() - 1) {
      if (!part.find(at) || part.start() != at) {
        return null;
      }
      boolean[] allowed = new boolean[128];
      if (part.group(3) != null) {
        allowed[part.group(3).charAt(0)] = true;
        positions.add(allowed);
      } else {
        String ranges = part.group(1);
        for (int i = 0; i < ranges.length(); i++) {
          boolean range = i + 2 < ranges.length() && ranges.charAt(i + 1) == '-';
          char last = range ? ranges.charAt(i + 2) : ranges.charAt(i);
          for (char c = ranges.charAt(i); c <= last; c++) {
            allowed[c] = true;
          }
          i += range ? 2 : 0;
        }
        for (int n = Integer.parseInt(part.group(2)); n > 0; n--) {
          positions.add(allowed);
        }
      }
      at = part.end();
    }
    boolean[][] shape = positions.toArray(boolean[][]::new);
    return s -> {
      if (s.length() != shape.length) {
        return false;
      }
      for (int i = 0; i < shape.length; i++) {
        char c = s.charAt(i);
        if (c >= 128 || !shape[i][c]) {
          return false;
        }
      }
      return true;
    };
  }
}
