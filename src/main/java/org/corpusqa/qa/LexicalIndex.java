package org.corpusqa.qa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.RussianStemmer;

/**
 * A document's words, analysed once for the lexical prefilter: Lucene's standard tokenizer,
 * lower case, Russian and English stop words removed, each word stemmed by the Snowball stemmer of
 * its script (Cyrillic: Russian, otherwise English), so that a Russian question matches the
 * Russian words of a document whatever else it contains. Scores windows (character ranges of the
 * text) against a question with BM25, the document's windows being the collection, over the
 * question's words and its pairs of consecutive words: a pair found together ("обеспечение
 * исполнения") marks the clause that asks for it far better than the same words scattered over a
 * contract's boilerplate ("исполнение обязательств", "цена контракта").
 */
final class LexicalIndex {
  /**
   * Words are compared by the first five letters of their Snowball stem: Russian derives nouns and
   * verbs from one root with different endings the stemmer keeps apart ("обеспечение" обеспечен,
   * "обеспечивается" обеспечива). Measured on generated contracts (top 1 window) and joined XQuAD
   * (top 8), 5 gave the best window recall of 4, 5, 6 and the full stem.
   */
  private static final int STEM_PREFIX = 5;
  /** The share of a window at its end where a match counts half (0.15 measured best of 0, 0.15, 0.3). */
  private static final double TAIL = 0.15;
  /** Lucene's BM25 defaults. */
  private static final double K1 = 1.2;
  private static final double B = 0.75;
  private static final CharArraySet STOP_WORDS = stopWords();
  private static final Analyzer ANALYZER = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      Tokenizer tokenizer = new StandardTokenizer();
      TokenStream stream = new StopFilter(new LowerCaseFilter(tokenizer), STOP_WORDS);
      return new TokenStreamComponents(tokenizer, stream);
    }
  };

  /** The character start of every analysed word of the text, ascending. */
  private final int[] wordStarts;
  /** The stemmed word at each position. */
  private final String[] words;
  /** Each stemmed word's positions, ascending. */
  private final Map<String, int[]> positions;

  private LexicalIndex(int[] wordStarts, String[] words, Map<String, int[]> positions) {
    this.wordStarts = wordStarts;
    this.words = words;
    this.positions = positions;
  }

  private static CharArraySet stopWords() {
    CharArraySet set = new CharArraySet(RussianAnalyzer.getDefaultStopSet(), false);
    set.addAll(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    return CharArraySet.unmodifiableSet(set);
  }

  static LexicalIndex of(String text) {
    List<String> terms = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    analyze(text, terms, starts);
    int[] wordStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    Map<String, List<Integer>> byTerm = new HashMap<>();
    for (int i = 0; i < terms.size(); i++) {
      byTerm.computeIfAbsent(terms.get(i), t -> new ArrayList<>()).add(i);
    }
    Map<String, int[]> positions = new HashMap<>(byTerm.size() * 2);
    byTerm.forEach((term, list) -> positions.put(term, list.stream().mapToInt(Integer::intValue).toArray()));
    return new LexicalIndex(wordStarts, terms.toArray(new String[0]), positions);
  }

  /** A question's distinct stemmed words, in order. */
  static List<String> terms(String question) {
    List<String> terms = new ArrayList<>();
    analyze(question, terms, new ArrayList<>());
    Set<String> distinct = new LinkedHashSet<>(terms);
    return List.copyOf(distinct);
  }

  private static void analyze(String text, List<String> terms, List<Integer> starts) {
    SnowballStemmer russian = new RussianStemmer();
    SnowballStemmer english = new EnglishStemmer();
    try (TokenStream stream = ANALYZER.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        String word = term.toString();
        SnowballStemmer stemmer = isCyrillic(word) ? russian : english;
        stemmer.setCurrent(word);
        stemmer.stem();
        String stem = stemmer.getCurrent();
        terms.add(stem.length() > STEM_PREFIX ? stem.substring(0, STEM_PREFIX) : stem);
        starts.add(offset.startOffset());
      }
      stream.end();
    } catch (IOException e) {
      // A StringReader does not fail.
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isCyrillic(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (Character.UnicodeBlock.of(word.charAt(i)) == Character.UnicodeBlock.CYRILLIC) {
        return true;
      }
    }
    return false;
  }

  /**
   * BM25 of each window against the question's terms: a window's words are those starting in its
   * character range, the collection is the document's windows (a word common to every window
   * counts for little), and the length is normalised by the windows' mean.
   *
   * @param windowStarts each window's first character
   * @param windowEnds each window's end character (exclusive)
   */
  double[] scores(List<String> questionTerms, int[] windowStarts, int[] windowEnds) {
    int n = windowStarts.length;
    double[] lengths = new double[n];
    double totalLength = 0;
    for (int w = 0; w < n; w++) {
      lengths[w] = countIn(wordStarts, windowStarts[w], windowEnds[w]);
      totalLength += lengths[w];
    }
    double meanLength = Math.max(1, totalLength / Math.max(1, n));
    double[] scores = new double[n];
    int[] tf = new int[n];
    double[] tfw = new double[n];
    List<int[]> features = new ArrayList<>();
    for (String term : questionTerms) {
      features.add(startsOf(positions.get(term)));
    }
    for (int i = 0; i + 1 < questionTerms.size(); i++) {
      features.add(startsOf(pairPositions(questionTerms.get(i), questionTerms.get(i + 1))));
    }
    for (int[] starts : features) {
      if (starts == null || starts.length == 0) {
        continue;
      }
      int df = 0;
      for (int w = 0; w < n; w++) {
        int first = lowerBound(starts, windowStarts[w]);
        int end = lowerBound(starts, windowEnds[w]);
        tf[w] = end - first;
        // A match in the window's last stretch leaves little room for the answer that follows it
        // (the next window, which overlaps, has that room): it counts half.
        int tailFrom = (int) (windowEnds[w] - TAIL * (windowEnds[w] - windowStarts[w]));
        tfw[w] = tf[w] - 0.5 * (end - lowerBound(starts, Math.max(tailFrom, windowStarts[w])));
        df += tf[w] > 0 ? 1 : 0;
      }
      double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (int w = 0; w < n; w++) {
        if (tf[w] > 0) {
          scores[w] += idf * tfw[w] * (K1 + 1) / (tfw[w] + K1 * (1 - B + B * lengths[w] / meanLength));
        }
      }
    }
    return scores;
  }

  /** The character starts of the words at {@code wordPositions}; null for none. */
  private int[] startsOf(int[] wordPositions) {
    if (wordPositions == null) {
      return null;
    }
    int[] starts = new int[wordPositions.length];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = wordStarts[wordPositions[i]];
    }
    return starts;
  }

  /** The positions where {@code first} is directly followed by {@code second} (stop words removed). */
  private int[] pairPositions(String first, String second) {
    int[] at = positions.get(first);
    if (at == null || !positions.containsKey(second)) {
      return null;
    }
    return Arrays.stream(at).filter(p -> p + 1 < words.length && words[p + 1].equals(second)).toArray();
  }

  /** How many of the ascending {@code values} lie in [from, to). */
  private static int countIn(int[] values, int from, int to) {
    return lowerBound(values, to) - lowerBound(values, from);
  }

  private static int lowerBound(int[] values, int key) {
    int i = Arrays.binarySearch(values, key);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && values[i - 1] == key) {
      i--;
    }
    return i;
  }
}
