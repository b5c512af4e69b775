package org.corpusqa.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.translator.QuestionAnsweringTranslator;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.qa.QAInput;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelInput;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;

/**
 * What a user would otherwise write: DJL's stock {@link QuestionAnsweringTranslator}, one {@code
 * predict} per (document, question), the document truncated to one window. Measured on the
 * documents that fit one window, against the engine on the same documents and the same model.
 *
 * <p>The stock translator takes the argmax of the start and of the end logits independently (the
 * question and CLS masked, in its detail mode) and swaps them when the start comes after the end;
 * it has no answer-length limit and no "no answer". So the engine is run here with decoding that
 * matches (no "no answer", max_answer_len of a whole window, no widening to words). Whenever the two
 * argmaxes are in order and inside the context, they are also the best span the engine can find,
 * so the two must give the same span: that is the identity checked. Crossed argmaxes, and argmaxes
 * on a separator token, give spans the engine never proposes by design; they are counted apart.
 */
public final class NaiveBaseline {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Alternating passes of the engine and the stock translator; each side keeps its best time. */
  public static final int ROUNDS = 3;

  private final QaModel model;
  private final List<Query> queries;
  private final EngineOptions options;
  private final int workers;

  public NaiveBaseline(QaModel model, List<Query> queries, EngineOptions options, int workers) {
    this.model = model;
    this.queries = queries;
    this.options = options;
    this.workers = workers;
  }

  /** The documents the engine answered in one window for every question. */
  public static List<Document> oneWindowDocuments(List<Document> docs, List<QaResult> engineResults) {
    Set<String> split = new HashSet<>();
    for (QaResult r : engineResults) {
      if (r.windows() != 1) {
        split.add(r.docId());
      }
    }
    return docs.stream().filter(d -> !split.contains(d.id())).toList();
  }

  public Map<String, Object> measure(List<Document> single) {
    int maxSeqLen = model.bundle().manifest().maxSeqLen();
    Benchmark engine = new Benchmark(model, matchingQueries(maxSeqLen), options, workers, 0);
    Rounds rounds;
    try (HuggingFaceTokenizer tokenizer = stockTokenizer(maxSeqLen)) {
      rounds = alternate(engine, stockTranslator(tokenizer), single);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return report(single, rounds, Agreement.of(rounds.engineRun().results(), rounds.naive()));
  }

  /** The queries decoded as the stock translator decodes: see the class comment. */
  private List<Query> matchingQueries(int maxSeqLen) {
    return queries.stream()
        .map(q -> new Query(q.id(), q.question(), q.settings().withAll(Map.of(
            DecodingKey.HANDLE_IMPOSSIBLE_ANSWER, false,
            DecodingKey.MAX_ANSWER_LEN, maxSeqLen,
            DecodingKey.ALIGN_TO_WORDS, false,
            DecodingKey.TOP_K, 1))))
        .toList();
  }

  private QuestionAnsweringTranslator stockTranslator(HuggingFaceTokenizer tokenizer) {
    return QuestionAnsweringTranslator.builder(tokenizer)
        .optIncludeTokenTypes(model.inputs().contains(ModelInput.TOKEN_TYPE_IDS))
        .optDetail(true)
        .build();
  }

  /** The last round's results of each side, and each side's best time over all rounds. */
  private record Rounds(
      Benchmark.EngineRun engineRun, double engineSeconds, Map<String, Observed> naive, double naiveSeconds) {}

  private Rounds alternate(Benchmark engine, QuestionAnsweringTranslator stock, List<Document> single) {
    // The two sides alternate for a few rounds and each keeps its best time: one pass of a few
    // documents lasts seconds, and on a shared machine a single pass measures the neighbours.
    Benchmark.EngineRun engineRun = null;
    double engineSeconds = Double.POSITIVE_INFINITY;
    Map<String, Observed> naive = new HashMap<>();
    double naiveSeconds = Double.POSITIVE_INFINITY;
    List<List<Document>> parts = Workers.split(single, workers, d -> d.text().length());
    for (int round = 0; round < ROUNDS; round++) {
      engineRun = engine.engine(single);
      engineSeconds = Math.min(engineSeconds, engineRun.wallSeconds());
      long start = System.nanoTime();
      List<Map<String, Observed>> answers = Workers.run(workers, w -> predictAll(stock, parts.get(w)));
      naiveSeconds = Math.min(naiveSeconds, (System.nanoTime() - start) / 1e9);
      naive.clear();
      answers.forEach(naive::putAll);
    }
    return new Rounds(engineRun, engineSeconds, naive, naiveSeconds);
  }

  /** One worker's share of the naive side: a {@code predict} per (document, question). */
  private Map<String, Observed> predictAll(QuestionAnsweringTranslator stock, List<Document> docs) {
    Map<String, Observed> byPair = new HashMap<>();
    try (Predictor<QAInput, Observed> predictor = model.newPredictor(new Observing(stock))) {
      for (Document d : docs) {
        for (Query q : queries) {
          byPair.put(key(d.id(), q.id()), predictor.predict(new QAInput(q.question(), d.text())));
        }
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("naive baseline failed: " + e.getMessage(), e);
    }
    return byPair;
  }

  /** How the engine's top answers compare with the stock translator's, by kind of stock answer. */
  private record Agreement(int wellFormed, int identicalWellFormed, int identicalAll, int crossed, int outsideContext) {
    static Agreement of(List<QaResult> engineResults, Map<String, Observed> naive) {
      int wellFormed = 0;
      int identicalWellFormed = 0;
      int identicalAll = 0;
      int crossed = 0;
      int outsideContext = 0;
      for (QaResult r : engineResults) {
        Observed theirs = naive.get(key(r.docId(), r.query().id()));
        int same = sameSpan(r, theirs) ? 1 : 0;
        identicalAll += same;
        if (theirs.crossed()) {
          crossed++;
        } else if (!theirs.inContext()) {
          outsideContext++;
        } else {
          wellFormed++;
          identicalWellFormed += same;
        }
      }
      return new Agreement(wellFormed, identicalWellFormed, identicalAll, crossed, outsideContext);
    }

    private static boolean sameSpan(QaResult r, Observed theirs) {
      Answer ours = r.answers().isEmpty() ? null : r.answers().get(0);
      return ours != null && ours.hasSpan() && theirs.inContext()
          && ours.startChar() == theirs.startChar(r.document().text())
          && ours.endChar() == theirs.endChar(r.document().text());
    }
  }

  private Map<String, Object> report(List<Document> single, Rounds rounds, Agreement agreement) {
    int pairs = rounds.naive().size();
    double naiveRate = pairs / rounds.naiveSeconds();
    double engineRate = rounds.engineRun().stats().windows() / rounds.engineSeconds();
    int wellFormed = agreement.wellFormed();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model.bundle().manifest().name());
    out.put("documents", single.size());
    out.put("pairs", pairs);
    out.put("rounds", ROUNDS);
    out.put("windows_per_s", Benchmark.round(naiveRate));
    out.put("engine_windows_per_s", Benchmark.round(engineRate));
    out.put("engine_speedup", pairs == 0 ? null : Benchmark.round(engineRate / naiveRate));
    out.put("answers_identical_share", pairs == 0 ? null : Benchmark.round((double) agreement.identicalAll() / pairs));
    out.put("pairs_argmax_in_order", wellFormed);
    out.put("answers_identical_share_argmax_in_order",
        wellFormed == 0 ? null : Benchmark.round((double) agreement.identicalWellFormed() / wellFormed));
    out.put("pairs_argmax_crossed", agreement.crossed());
    out.put("pairs_argmax_on_separator", agreement.outsideContext());
    return out;
  }

  private HuggingFaceTokenizer stockTokenizer(int maxSeqLen) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(model.bundle().directory().resolve(ModelBundle.TOKENIZER_FILE))
        .optMaxLength(maxSeqLen).optTruncation(true).optPadding(false).build();
  }

  private static String key(String docId, String queryId) {
    return docId + "\u0000" + queryId;
  }

  /**
   * The stock translator's answer with what is needed to check it afterwards: its encoding (for the
   * character offsets of its token span) and whether its raw argmaxes were crossed. Reading these
   * costs two small array copies per predict, against a forward pass of a whole window.
   */
  private record Observed(int startToken, int endToken, boolean crossed, Encoding encoding) {
    boolean inContext() {
      long[] sequence = encoding.getSequenceIds();
      return sequence[startToken] == 1 && sequence[endToken] == 1;
    }

    int startChar(String text) {
      CharSpan span = encoding.getCharTokenSpans()[startToken];
      return text.offsetByCodePoints(0, span.getStart());
    }

    int endChar(String text) {
      CharSpan span = encoding.getCharTokenSpans()[endToken];
      return text.offsetByCodePoints(0, span.getEnd());
    }
  }

  /** Delegates to the stock translator and keeps its encoding and the raw logits' argmaxes. */
  private static final class Observing implements Translator<QAInput, Observed> {
    private final QuestionAnsweringTranslator stock;

    Observing(QuestionAnsweringTranslator stock) {
      this.stock = stock;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, QAInput input) {
      return stock.processInput(ctx, input);
    }

    @Override
    public Observed processOutput(TranslatorContext ctx, NDList list) throws IOException {
      Encoding encoding = (Encoding) ctx.getAttachment("encoding");
      // Before the stock translator masks them: the argmaxes it would take, to tell a swap.
      int rawStart = argmaxUnmasked(list.get(0).toFloatArray(), encoding.getSequenceIds());
      int rawEnd = argmaxUnmasked(list.get(1).toFloatArray(), encoding.getSequenceIds());
      JsonNode detail = JSON.readTree(stock.processOutput(ctx, list));
      return new Observed(detail.get("start").asInt(), detail.get("end").asInt(), rawStart > rawEnd, encoding);
    }

    @Override
    public Batchifier getBatchifier() {
      return stock.getBatchifier();
    }

    /** Argmax over the positions the stock translator leaves: not CLS, not the question. */
    private static int argmaxUnmasked(float[] logits, long[] sequenceIds) {
      int best = -1;
      for (int i = 1; i < logits.length; i++) {
        if (sequenceIds[i] != 0 && (best < 0 || logits[i] > logits[best])) {
          best = i;
        }
      }
      return best;
    }
  }
}
