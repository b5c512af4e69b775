package org.corpusqa.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The official SQuAD scripts' {@code normalize_answer}, character for character: lower case, drop
 * ASCII punctuation, replace the English articles a / an / the (as whole words, with Python's
 * Unicode word boundaries) by a space, collapse whitespace (Python's {@code str.split()} set,
 * NBSP included). Russian text goes through the same rules, as in the published Russian numbers.
 */
public final class AnswerNormalizer {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  /** Python's {@code \w}: letters, numbers of any kind, and '_'. */
  private static final String WORD = "[\\p{L}\\p{Nd}\\p{Nl}\\p{No}_]";
  private static final Pattern ARTICLES = Pattern.compile("(?<!" + WORD + ")(?:a|an|the)(?!" + WORD + ")");

  private AnswerNormalizer() {}

  public static String normalize(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    StringBuilder noPunctuation = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (PUNCTUATION.indexOf(c) < 0) {
        noPunctuation.append(c);
      }
    }
    String noArticles = ARTICLES.matcher(noPunctuation).replaceAll(" ");
    return String.join(" ", split(noArticles));
  }

  /** {@code normalize_answer(s).split()}. */
  public static List<String> tokens(String s) {
    return split(normalize(s));
  }

  /** Python's {@code str.split()} with no argument: runs of Unicode whitespace separate. */
  static List<String> split(String s) {
    List<String> parts = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      if (isPythonSpace(s.charAt(i))) {
        if (start >= 0) {
          parts.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      parts.add(s.substring(start));
    }
    return parts;
  }

  /** Python's {@code str.isspace()}: all whitespace is in the Basic Multilingual Plane. */
  static boolean isPythonSpace(char c) {
    return (c >= '\t' && c <= '\r')
        || (c >= '\u001c' && c <= '\u001f')
        || c == ' '
        || c == '\u0085'
        || c == '\u00a0'
        || c == '\u1680'
        || (c >= '\u2000' && c <= '\u200a')
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u202f'
        || c == '\u205f'
        || c == '\u3000';
  }
}
