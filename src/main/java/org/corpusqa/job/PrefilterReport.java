package org.corpusqa.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.corpusqa.eval.EvalContext;
import org.corpusqa.eval.EvalQuestion;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.Query;

/**
 * What a prefilter costs in answers before the model runs: over labelled documents, the windows it
 * sends to the model against all of them, and the share of gold answers that lie entirely inside a
 * window it sends (window recall; an answer outside every window read cannot be found). Computed on
 * the driver with the model's tokenizer, exactly as the tasks cut and pick windows.
 */
final class PrefilterReport {
  private PrefilterReport() {}

  static Map<String, Object> of(QaEngine engine, List<EvalContext> contexts, DecodingSettings settings,
      Prefilter prefilter) {
    long total = 0;
    long read = 0;
    int golds = 0;
    int goldsRead = 0;
    int answerable = 0;
    int answerableRead = 0;
    for (EvalContext context : contexts) {
      List<PreparedQuery> queries = new ArrayList<>();
      for (EvalQuestion q : context.questions()) {
        queries.add(engine.prepare(new Query(q.id(), q.question(), settings, prefilter)));
      }
      List<QaEngine.WindowPlan> plans = engine.plan(new Document(context.docId(), context.text()), queries);
      for (int i = 0; i < plans.size(); i++) {
        QaEngine.WindowPlan plan = plans.get(i);
        EvalQuestion q = context.questions().get(i);
        total += plan.total();
        read += plan.read();
        boolean anyRead = false;
        boolean anyKnown = false;
        for (int g = 0; g < q.answers().size(); g++) {
          int start = q.answerStarts().get(g);
          if (start < 0 || q.answers().get(g).isEmpty()) {
            continue;
          }
          anyKnown = true;
          golds++;
          if (plan.covers(start, start + q.answers().get(g).length())) {
            goldsRead++;
            anyRead = true;
          }
        }
        answerable += anyKnown ? 1 : 0;
        answerableRead += anyRead ? 1 : 0;
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("top_windows", prefilter.topWindows());
    report.put("min_windows", prefilter.minWindows());
    report.put("windows_total", total);
    report.put("windows_read", read);
    report.put("windows_fewer_factor", read == 0 ? 0.0 : (double) total / read);
    report.put("gold_answers", golds);
    report.put("gold_answers_in_windows_read", goldsRead);
    report.put("window_recall", golds == 0 ? 1.0 : (double) goldsRead / golds);
    report.put("answerable_questions", answerable);
    report.put("answerable_questions_with_an_answer_read", answerableRead);
    return report;
  }
}
