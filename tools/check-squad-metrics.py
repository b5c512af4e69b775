#!/usr/bin/env python3
"""Independent re-computation of the official SQuAD metrics, for cross-checking.

Re-implements, in plain Python 3 (standard library only), the behaviour of the
two official evaluation scripts published on the SQuAD website:

  * evaluate-v1.1.py  -> {"exact_match", "f1"}
  * evaluate-v2.0.py  -> {"exact", "f1", "total", "HasAns_*", "NoAns_*",
                          and with --na-probs: "best_exact", "best_exact_thresh",
                          "best_f1", "best_f1_thresh"}

including their quirks (see the comments next to each function).  It can also
read a "contracts" data set (a JSON list of records with "extracted_part"),
convert it to SQuAD v2.0, evaluate it as a whole and per distinct label.

Usage:
  python3 tools/check-squad-metrics.py --data DATA.json [--format squad|contracts]
      --predictions predictions.json [--na-probs na_probs.json]
      [--metrics metrics.json] [--tol 1e-9]
  python3 tools/check-squad-metrics.py --data contracts.json --format contracts
      --convert-contracts-to-squad OUT.json

Without --metrics the computed metrics are printed as JSON on stdout.  With
--metrics FILE every computed value (recursively, per_query included) must be
present in FILE and agree within --tol (absolute); exit status 0 if they all
agree, 1 if any differs or is missing, 2 on a usage/data error.  Keys present
only in FILE are reported but do not make the check fail.
"""

import argparse
import collections
import json
import math
import re
import string
import sys

# --------------------------------------------------------------------------
# Text normalisation (identical in both official scripts)
# --------------------------------------------------------------------------

# string.punctuation is ASCII only: Unicode punctuation (« » — … etc.) is kept.
_PUNCTUATION = set(string.punctuation)
# A str pattern in Python 3 is Unicode-aware: \b is a boundary between a
# Unicode "word" character (str.isalnum() or '_') and a non-word character.
_ARTICLES = re.compile(r'\b(a|an|the)\b')


def normalize_answer(s):
    """lower -> remove ASCII punctuation -> articles to ' ' -> collapse whitespace."""
    text = s.lower()
    text = ''.join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(' ', text)
    return ' '.join(text.split())


class EvalError(Exception):
    """A condition under which the official script would crash or is undefined."""


def warn(msg):
    print('check-squad-metrics: warning: ' + msg, file=sys.stderr)


def info(msg):
    print('check-squad-metrics: ' + msg, file=sys.stderr)


def _short_list(items, n=5):
    items = list(items)
    s = ', '.join(repr(x) for x in items[:n])
    if len(items) > n:
        s += ', ... (%d more)' % (len(items) - n)
    return s


def _check_prediction(qid, pred):
    if not isinstance(pred, str):
        raise EvalError('prediction for %r is not a string (%r); the official '
                        'script would crash' % (qid, pred))


def _iter_qas(dataset):
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                yield qa


# --------------------------------------------------------------------------
# evaluate-v1.1.py
# --------------------------------------------------------------------------

def v1_exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def v1_f1_score(prediction, ground_truth):
    # v1.1: 0 whenever there is no common token, even if both are empty.
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = collections.Counter(prediction_tokens) & collections.Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def evaluate_v1(dataset, predictions):
    f1 = exact_match = total = 0
    missing = []
    for qa in _iter_qas(dataset):
        total += 1  # every question counts, answered or not
        qid = qa['id']
        if qid not in predictions:
            missing.append(qid)
            continue
        ground_truths = [a['text'] for a in qa['answers']]
        if not ground_truths:
            raise EvalError('question %r has no gold answers; evaluate-v1.1.py would '
                            'crash (max() of an empty sequence)' % (qid,))
        prediction = predictions[qid]
        _check_prediction(qid, prediction)
        exact_match += max(v1_exact_match_score(prediction, gt) for gt in ground_truths)
        f1 += max(v1_f1_score(prediction, gt) for gt in ground_truths)
    if missing:
        warn('%d question(s) without a prediction, scored 0 (v1.1): %s'
             % (len(missing), _short_list(missing)))
    if total == 0:
        raise EvalError('no questions in the data set (division by zero in the official script)')
    return collections.OrderedDict([
        ('exact_match', 100.0 * exact_match / total),
        ('f1', 100.0 * f1 / total),
    ])


# --------------------------------------------------------------------------
# evaluate-v2.0.py
# --------------------------------------------------------------------------

def make_qid_to_has_ans(dataset):
    # is_impossible is ignored: a question "has an answer" iff its answers list is non-empty.
    qid_to_has_ans = {}
    for qa in _iter_qas(dataset):
        qid_to_has_ans[qa['id']] = bool(qa['answers'])
    return qid_to_has_ans


def get_tokens(s):
    if not s:
        return []
    return normalize_answer(s).split()


def compute_exact(a_gold, a_pred):
    return int(normalize_answer(a_gold) == normalize_answer(a_pred))


def compute_f1(a_gold, a_pred):
    gold_toks = get_tokens(a_gold)
    pred_toks = get_tokens(a_pred)
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    num_same = sum(common.values())
    if len(gold_toks) == 0 or len(pred_toks) == 0:
        # If either is no-answer, F1 is 1 if they agree, 0 otherwise.
        return int(gold_toks == pred_toks)
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(pred_toks)
    recall = 1.0 * num_same / len(gold_toks)
    return (2 * precision * recall) / (precision + recall)


def get_raw_scores(dataset, preds):
    exact_scores = {}
    f1_scores = {}
    missing = []
    for qa in _iter_qas(dataset):
        qid = qa['id']
        gold_answers = [a['text'] for a in qa['answers'] if normalize_answer(a['text'])]
        if not gold_answers:
            # Unanswerable (or all golds normalise to ''): only correct answer is ''.
            gold_answers = ['']
        if qid not in preds:
            missing.append(qid)
            continue
        a_pred = preds[qid]
        _check_prediction(qid, a_pred)
        exact_scores[qid] = max(compute_exact(a, a_pred) for a in gold_answers)
        f1_scores[qid] = max(compute_f1(a, a_pred) for a in gold_answers)
    return exact_scores, f1_scores, missing


def apply_no_ans_threshold(scores, na_probs, qid_to_has_ans, na_prob_thresh):
    new_scores = {}
    for qid, s in scores.items():
        pred_na = na_probs[qid] > na_prob_thresh
        if pred_na:
            new_scores[qid] = float(not qid_to_has_ans[qid])
        else:
            new_scores[qid] = s
    return new_scores


def make_eval_dict(exact_scores, f1_scores, qid_list=None):
    if not qid_list:
        total = len(exact_scores)
        return collections.OrderedDict([
            ('exact', 100.0 * sum(exact_scores.values()) / total),
            ('f1', 100.0 * sum(f1_scores.values()) / total),
            ('total', total),
        ])
    total = len(qid_list)
    return collections.OrderedDict([
        ('exact', 100.0 * sum(exact_scores[k] for k in qid_list) / total),
        ('f1', 100.0 * sum(f1_scores[k] for k in qid_list) / total),
        ('total', total),
    ])


def merge_eval(main_eval, new_eval, prefix):
    for k in new_eval:
        main_eval['%s_%s' % (prefix, k)] = new_eval[k]


def find_best_thresh(preds, scores, na_probs, qid_to_has_ans):
    # Starts from "predict no-answer everywhere" (= number of no-answer questions,
    # counted over the whole data set, predicted or not), then walks the qids in
    # increasing na_prob order (stable sort over the na_probs dict, i.e. file
    # order on ties) switching each one to "answer".
    num_no_ans = sum(1 for k in qid_to_has_ans if not qid_to_has_ans[k])
    cur_score = num_no_ans
    best_score = cur_score
    best_thresh = 0.0
    qid_list = sorted(na_probs, key=lambda k: na_probs[k])
    for qid in qid_list:
        if qid not in scores:
            continue
        if qid_to_has_ans[qid]:
            diff = scores[qid]
        else:
            # Raw (un-normalised) truthiness of the prediction string.
            if preds[qid]:
                diff = -1
            else:
                diff = 0
        cur_score += diff
        if cur_score > best_score:
            best_score = cur_score
            best_thresh = na_probs[qid]
    return 100.0 * best_score / len(scores), best_thresh


def evaluate_v2(dataset, preds, na_probs=None, na_prob_thresh=1.0, name='data set'):
    """Returns the dict evaluate-v2.0.py prints.  na_probs=None means no --na-probs."""
    have_na_file = na_probs is not None
    if not have_na_file:
        na_probs = {k: 0.0 for k in preds}
    qid_to_has_ans = make_qid_to_has_ans(dataset)
    has_ans_qids = [k for k, v in qid_to_has_ans.items() if v]
    no_ans_qids = [k for k, v in qid_to_has_ans.items() if not v]
    exact_raw, f1_raw, missing = get_raw_scores(dataset, preds)
    if missing:
        warn('%s: %d question(s) without a prediction are skipped (v2.0): %s'
             % (name, len(missing), _short_list(missing)))
    if not exact_raw:
        raise EvalError('%s: no question has a prediction (division by zero in the '
                        'official script)' % name)
    lacking_prob = [q for q in exact_raw if q not in na_probs]
    if lacking_prob:
        raise EvalError('%s: %d predicted question(s) have no na_prob; the official script '
                        'would crash with KeyError: %s'
                        % (name, len(lacking_prob), _short_list(lacking_prob)))
    for q in na_probs:
        v = na_probs[q]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise EvalError('%s: na_prob for %r is not a number: %r' % (name, q, v))

    exact_thresh = apply_no_ans_threshold(exact_raw, na_probs, qid_to_has_ans, na_prob_thresh)
    f1_thresh = apply_no_ans_threshold(f1_raw, na_probs, qid_to_has_ans, na_prob_thresh)
    out_eval = make_eval_dict(exact_thresh, f1_thresh)

    # The official script would raise KeyError in the HasAns/NoAns breakdown when
    # any question lacks a prediction; here the breakdown is restricted to the
    # scored questions (consistent with how 'total' is defined).
    for prefix, qids in (('HasAns', has_ans_qids), ('NoAns', no_ans_qids)):
        if not qids:
            continue
        scored = [k for k in qids if k in exact_thresh]
        if len(scored) != len(qids):
            warn('%s: %s breakdown: %d of %d question(s) have no prediction; evaluate-v2.0.py '
                 'would crash (KeyError) here, this tool restricts %s_* to the %d scored ones'
                 % (name, prefix, len(qids) - len(scored), len(qids), prefix, len(scored)))
        if not scored:
            warn('%s: no %s question has a prediction; %s_* keys omitted' % (name, prefix, prefix))
            continue
        merge_eval(out_eval, make_eval_dict(exact_thresh, f1_thresh, qid_list=scored), prefix)

    if have_na_file:
        best_exact, exact_t = find_best_thresh(preds, exact_raw, na_probs, qid_to_has_ans)
        best_f1, f1_t = find_best_thresh(preds, f1_raw, na_probs, qid_to_has_ans)
        out_eval['best_exact'] = best_exact
        out_eval['best_exact_thresh'] = exact_t
        out_eval['best_f1'] = best_f1
        out_eval['best_f1_thresh'] = f1_t
    return out_eval


# --------------------------------------------------------------------------
# Contracts format
# --------------------------------------------------------------------------

def contract_record_to_article(rec, index):
    for key in ('id', 'text', 'label', 'extracted_part'):
        if key not in rec:
            raise EvalError('contracts record #%d has no %r field' % (index, key))
    part = rec['extracted_part']
    texts = part.get('text')
    starts = part.get('answer_start', [])
    if not isinstance(texts, list):
        raise EvalError('contracts record #%d: extracted_part.text is not a list' % index)
    answers = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise EvalError('contracts record #%d: extracted_part.text[%d] is not a string'
                            % (index, i))
        if t == '':
            continue
        s = starts[i] if isinstance(starts, list) and i < len(starts) else None
        if s is None:
            warn('contracts record #%d: no answer_start for answer %d' % (index, i))
        answers.append({'text': t, 'answer_start': s})
    qid = str(rec['id'])
    return {
        'title': qid,
        'paragraphs': [{
            'context': rec['text'],
            'qas': [{
                'id': qid,
                'question': rec['label'],
                'answers': answers,
                'is_impossible': not answers,
            }],
        }],
    }


def contracts_to_squad(records):
    if not isinstance(records, list):
        raise EvalError('contracts data must be a JSON list of records')
    articles = [contract_record_to_article(r, i) for i, r in enumerate(records)]
    ids = [a['paragraphs'][0]['qas'][0]['id'] for a in articles]
    dup = [k for k, n in collections.Counter(ids).items() if n > 1]
    if dup:
        warn('duplicate record ids (later ones override earlier ones in v2.0 scoring): %s'
             % _short_list(dup))
    return {'version': 'v2.0', 'data': articles}


def label_key(label):
    return label if isinstance(label, str) else json.dumps(label, ensure_ascii=False)


def evaluate_contracts(records, squad, preds, na_probs, na_prob_thresh):
    articles = squad['data']
    result = evaluate_v2(articles, preds, na_probs, na_prob_thresh, name='all records')
    by_label = collections.OrderedDict()
    for rec, article in zip(records, articles):
        by_label.setdefault(label_key(rec['label']), []).append(article)
    per_query = collections.OrderedDict()
    for label, sub in by_label.items():
        sub_na = None
        if na_probs is not None:
            ids = {a['paragraphs'][0]['qas'][0]['id'] for a in sub}
            sub_na = {k: v for k, v in na_probs.items() if k in ids}  # keeps file order
        per_query[label] = evaluate_v2(sub, preds, sub_na, na_prob_thresh,
                                       name='label %r' % label)
    result['per_query'] = per_query
    return result


# --------------------------------------------------------------------------
# Comparison with another program's metrics
# --------------------------------------------------------------------------

def _fmt_path(path):
    out = ''
    for p in path:
        if out and re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', p):
            out += '.' + p
        elif not out and re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', p):
            out = p
        else:
            out += '[' + json.dumps(p, ensure_ascii=False) + ']'
    return out or '<root>'


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def compare_metrics(computed, reference, tol):
    diffs, extras = [], []
    count = [0]

    def walk(c, r, path):
        for k, v in c.items():
            p = path + [k]
            if k not in r:
                if isinstance(v, dict):
                    count[0] += _count_leaves(v)
                else:
                    count[0] += 1
                diffs.append('MISSING %s: computed %s, absent from metrics file'
                             % (_fmt_path(p), json.dumps(v, ensure_ascii=False)))
                continue
            rv = r[k]
            if isinstance(v, dict):
                if not isinstance(rv, dict):
                    count[0] += _count_leaves(v)
                    diffs.append('DIFF %s: computed an object, metrics file has %s'
                                 % (_fmt_path(p), json.dumps(rv, ensure_ascii=False)))
                    continue
                walk(v, rv, p)
                continue
            count[0] += 1
            if not _is_number(rv):
                diffs.append('DIFF %s: computed %r, metrics file has non-number %s'
                             % (_fmt_path(p), v, json.dumps(rv, ensure_ascii=False)))
                continue
            if math.isnan(rv) or math.isinf(rv) or abs(v - rv) > tol:
                d = abs(v - rv) if not (math.isnan(rv) or math.isinf(rv)) else float('nan')
                diffs.append('DIFF %s: computed %r, metrics file %r, |diff| %.3g > tol %g'
                             % (_fmt_path(p), v, rv, d, tol))
        for k in r:
            if k not in c:
                extras.append('EXTRA %s: only in metrics file (not checked): %s'
                              % (_fmt_path(path + [k]),
                                 json.dumps(r[k], ensure_ascii=False)[:200]))

    walk(computed, reference, [])
    return diffs, extras, count[0]


def _count_leaves(d):
    return sum(_count_leaves(v) if isinstance(v, dict) else 1 for v in d.values())


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def load_json(path, what):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise EvalError('cannot read %s %s: %s' % (what, path, e))


def detect_squad_version(dataset_json):
    if dataset_json.get('version') == 'v2.0':
        return '2.0'
    for qa in _iter_qas(dataset_json['data']):
        if 'is_impossible' in qa:
            return '2.0'
    return '1.1'


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Re-compute official SQuAD v1.1/v2.0 metrics (standard library only) '
                    'and optionally compare them with another program\'s metrics.')
    ap.add_argument('--data', required=True, help='SQuAD JSON or contracts JSON list')
    ap.add_argument('--format', choices=('auto', 'squad', 'contracts'), default='auto',
                    help='data format (default: auto = contracts if the file is a JSON '
                         'list, squad otherwise)')
    ap.add_argument('--squad-version', choices=('auto', '1.1', '2.0'), default='auto',
                    help='for --format squad: which official script to mimic (default auto: '
                         'v2.0 if "version" is "v2.0" or any question has is_impossible)')
    ap.add_argument('--predictions', help='JSON object {id: answer text}')
    ap.add_argument('--na-probs', help='JSON object {id: probability of no answer} (v2.0)')
    ap.add_argument('--na-prob-thresh', type=float, default=1.0,
                    help='evaluate-v2.0.py --na-prob-thresh (default 1.0)')
    ap.add_argument('--metrics', help='metrics JSON written by the program under test')
    ap.add_argument('--tol', type=float, default=1e-9, help='absolute tolerance (default 1e-9)')
    ap.add_argument('--convert-contracts-to-squad', metavar='OUT.json',
                    help='write the contracts data converted to SQuAD v2.0 to OUT.json')
    args = ap.parse_args(argv)

    try:
        data = load_json(args.data, 'data file')
        fmt = args.format
        if fmt == 'auto':
            fmt = 'contracts' if isinstance(data, list) else 'squad'
        if fmt == 'squad' and not isinstance(data, dict):
            raise EvalError('--format squad but the data file is not a JSON object')
        if args.convert_contracts_to_squad and fmt != 'contracts':
            raise EvalError('--convert-contracts-to-squad needs contracts input')

        squad = contracts_to_squad(data) if fmt == 'contracts' else data
        if args.convert_contracts_to_squad:
            with open(args.convert_contracts_to_squad, 'w', encoding='utf-8') as f:
                json.dump(squad, f, ensure_ascii=False, indent=1)
                f.write('\n')
            info('wrote %d question(s) as SQuAD v2.0 to %s'
                 % (len(squad['data']), args.convert_contracts_to_squad))
            if not args.predictions:
                return 0
        if not args.predictions:
            raise EvalError('--predictions is required')

        preds = load_json(args.predictions, 'predictions file')
        if not isinstance(preds, dict):
            raise EvalError('predictions must be a JSON object {id: text}')
        na_probs = None
        if args.na_probs:
            na_probs = load_json(args.na_probs, 'na_probs file')
            if not isinstance(na_probs, dict):
                raise EvalError('na_probs must be a JSON object {id: probability}')

        if fmt == 'contracts':
            info('contracts data: %d record(s), evaluated as SQuAD v2.0' % len(data))
            result = evaluate_contracts(data, squad, preds, na_probs, args.na_prob_thresh)
        else:
            version = args.squad_version
            if version == 'auto':
                version = detect_squad_version(squad)
            n_q = sum(1 for _ in _iter_qas(squad['data']))
            info('SQuAD data (version field %r): %d question(s), %d prediction(s); '
                 'mimicking evaluate-v%s.py' % (squad.get('version'), n_q, len(preds), version))
            if version == '1.1':
                if na_probs is not None:
                    warn('--na-probs is ignored for v1.1 data')
                result = evaluate_v1(squad['data'], preds)
            else:
                result = evaluate_v2(squad['data'], preds, na_probs, args.na_prob_thresh)

        if not args.metrics:
            print(json.dumps(result, indent=2, ensure_ascii=False))
            return 0

        reference = load_json(args.metrics, 'metrics file')
        if not isinstance(reference, dict):
            raise EvalError('metrics file must hold a JSON object')
        diffs, extras, n = compare_metrics(result, reference, args.tol)
        for line in extras:
            print(line)
        if diffs:
            for line in diffs:
                print(line)
            print('metrics DISAGREE (%d of %d values)' % (len(diffs), n))
            return 1
        print('metrics agree (%d values)' % n)
        return 0
    except EvalError as e:
        print('check-squad-metrics: error: %s' % e, file=sys.stderr)
        return 2
    except (KeyError, TypeError, AttributeError) as e:
        print('check-squad-metrics: error: malformed input (%s: %s)'
              % (type(e).__name__, e), file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
