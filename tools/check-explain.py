#!/usr/bin/env python3
"""Re-derives extractive-QA answers from the per-window logits of an --explain run and compares
them with the answers the job wrote.

The decoding follows the post-processing of the Hugging Face transformers
QuestionAnsweringPipeline, computed in float64 with the standard library only:

per window
  * every token whose sequence id is not 1 (context) is undesired, except token 0 (the CLS
    position, which carries the no-answer score); undesired logits become -10000.0;
  * softmax over the start logits and over the end logits of the window;
  * window null score = p_start[0] * p_end[0]; then p_start[0] = p_end[0] = 0;
  * spans (s, e) with 0 <= e - s <= max_answer_len - 1 score p_start[s] * p_end[e], every other
    entry of the L x L matrix scores 0; the top_k best entries are taken (ties: lower flat index
    s * L + e first), and only then are spans that start or end on an undesired token dropped.
    Zero-score entries make the top_k only when a window has fewer than top_k positive spans;
    the ones that survive touch token 0 (CLS, whose offsets count as (0, 0) as the pipeline's
    do), and --cls-spans drop leaves them out;
  * a token span becomes a character span through the offsets, widened to whole words (only
    the word's context tokens inside this window count) with align_to_words;
across the windows of one (doc_id, query_id), with settings.pooling "text" (the pipeline's rule
since transformers 4.54, and corpus-qa's default)
  * each window offers 2 * top_k + 10 spans when align_to_words is on, top_k when it is off;
  * windows in index order, each window's spans best first: a span whose text (the document's
    characters it covers) equals an earlier one's ignoring case (Python's str.lower(), which the
    pipeline uses) adds its score to that answer, which keeps the first span's place; otherwise
    it starts a new answer; so answers may score above 1;
  * answers sorted by score descending, a stable sort (equal scores keep that order);
with settings.pooling "span" (corpus-qa's earlier rule; assumed for explain files without it)
  * each window offers top_k spans; identical character spans count once, with their best
    score; sorted by score descending (ties: smaller start_char, then smaller end_char);
then, either way
  * null score = the minimum window null score; with handle_impossible_answer a "no answer"
    candidate scored with the null score goes after every answer scoring at least as much; the
    first top_k are kept; no candidate at all gives one no-answer row.

Pooling by text needs the documents' texts: --corpus names the JSON lines file the run read
(fields --id-column and --text-column, default doc_id and text). Offsets in explain files and
answer rows are Java String (UTF-16) indices; texts are sliced accordingly. The answers line that
an explain file holds after each (doc_id, query_id)'s windows (its "sources": the windows' spans
pooled into each answer) is checked too: each answer's score must be the sum (text) or the best
(span) of its sources' scores.

Usage:
  python3 tools/check-explain.py --explain DIR --answers FILE.jsonl [--corpus FILE.jsonl] [--rel-tol 1e-3]

DIR is searched recursively for *.jsonl files (names starting with '.' or '_' are skipped, as
Hadoop does for in-progress and marker files). Exit status: 0 when every (doc, query) agrees;
1 on any disagreement, any (doc, query) present on one side only, or unreadable input; 2 on a
usage error.
"""
import argparse
import heapq
import json
import math
import os
import struct
import sys

MASKED_LOGIT = -10000.0


class InputError(Exception):
    """Malformed input: the check cannot be carried out for this item."""


# ---------------------------------------------------------------------------------------------
# Reading


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _key_part(v):
    return v if isinstance(v, str) else json.dumps(v)


def _explain_files(directory):
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.endswith(".jsonl") and not name.startswith((".", "_")):
                found.append(os.path.join(root, name))
    return found


def _json_lines(path):
    with open(path, "r", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "%s:%d" % (path, number)
            try:
                value = json.loads(line)
            except ValueError as e:
                raise InputError("%s: not valid JSON: %s" % (where, e))
            if not isinstance(value, dict):
                raise InputError("%s: a line must be a JSON object" % where)
            yield where, value


class Window(object):
    __slots__ = ("where", "index", "offsets", "sequence_ids", "word_ids", "start_logits",
                 "end_logits", "settings")


def _as_float32(x):
    """The float32 value a logit printed in shortest form came from (models emit float32, and
    e.g. 0.1 read as a double is not the float 0.1f), so that exact ties stay exact ties."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return float(x)


def _parse_settings(raw, where):
    if not isinstance(raw, dict):
        raise InputError("%s: 'settings' must be an object" % where)
    out = {}
    for name in ("max_answer_len", "top_k"):
        v = raw.get(name)
        if not _is_int(v) or v < 1:
            raise InputError("%s: settings.%s must be an integer >= 1, got %r" % (where, name, v))
        out[name] = v
    for name in ("handle_impossible_answer", "align_to_words"):
        v = raw.get(name)
        if not isinstance(v, bool):
            raise InputError("%s: settings.%s must be a boolean, got %r" % (where, name, v))
        out[name] = v
    # Explain files written before pooling existed used the positional rule.
    out["pooling"] = raw.get("pooling", "span")
    if out["pooling"] not in ("text", "span"):
        raise InputError("%s: settings.pooling must be text or span, got %r" % (where, out["pooling"]))
    return out


def candidates_per_window(settings):
    """How many spans a window offers: the pipeline asks for 2 * top_k + 10 when it aligns to
    words, since widening makes some of them equal."""
    if settings["pooling"] == "text" and settings["align_to_words"]:
        return 2 * settings["top_k"] + 10
    return settings["top_k"]


def _parse_window(raw, where):
    w = Window()
    w.where = where
    w.index = raw.get("window")
    if not _is_int(w.index) or w.index < 0:
        raise InputError("%s: 'window' must be an integer >= 0, got %r" % (where, w.index))
    lists = {}
    for name in ("offsets", "sequence_ids", "word_ids", "start_logits", "end_logits"):
        v = raw.get(name)
        if not isinstance(v, list):
            raise InputError("%s: '%s' must be a list" % (where, name))
        lists[name] = v
    length = len(lists["start_logits"])
    if length == 0:
        raise InputError("%s: a window with no tokens" % where)
    for name, v in lists.items():
        if len(v) != length:
            raise InputError("%s: '%s' has %d entries, start_logits has %d"
                             % (where, name, len(v), length))
    offsets = []
    for i, o in enumerate(lists["offsets"]):
        if o is None:
            offsets.append(None)
        elif (isinstance(o, list) and len(o) == 2 and _is_int(o[0]) and _is_int(o[1])
              and 0 <= o[0] <= o[1]):
            offsets.append((o[0], o[1]))
        else:
            raise InputError("%s: offsets[%d] must be null or [start, end], got %r" % (where, i, o))
    for i, s in enumerate(lists["sequence_ids"]):
        if not (s is None or (_is_int(s) and s in (0, 1))):
            raise InputError("%s: sequence_ids[%d] must be null, 0 or 1, got %r" % (where, i, s))
    for i, wid in enumerate(lists["word_ids"]):
        if wid is not None and not _is_int(wid):
            raise InputError("%s: word_ids[%d] must be null or an integer, got %r" % (where, i, wid))
    for name in ("start_logits", "end_logits"):
        for i, x in enumerate(lists[name]):
            if not _is_number(x) or not math.isfinite(x):
                raise InputError("%s: %s[%d] must be a finite number, got %r" % (where, name, i, x))
    for i in range(length):
        if lists["sequence_ids"][i] == 1 and offsets[i] is None:
            raise InputError("%s: context token %d has no offsets" % (where, i))
    w.offsets = offsets
    w.sequence_ids = lists["sequence_ids"]
    w.word_ids = lists["word_ids"]
    w.start_logits = [_as_float32(x) for x in lists["start_logits"]]
    w.end_logits = [_as_float32(x) for x in lists["end_logits"]]
    w.settings = _parse_settings(raw.get("settings"), where)
    return w


def read_explain(directory, results=None):
    """Returns {(doc_id, query_id): [Window sorted by index]} and the number of files read;
    the answers lines go into results, {(doc_id, query_id): raw line}, when given."""
    groups = {}
    skipped = {}
    files = _explain_files(directory)
    for path in files:
        for where, raw in _json_lines(path):
            doc, query = raw.get("doc_id"), raw.get("query_id")
            if doc is None or query is None:
                raise InputError("%s: 'doc_id' and 'query_id' are required" % where)
            key = (_key_part(doc), _key_part(query))
            if "answers" in raw:
                if results is not None:
                    raw = dict(raw)
                    raw["where"] = where
                    results[key] = raw
                continue
            if raw.get("skipped") is True:
                # A window the query's prefilter left out: the model never read it, and the
                # answers are those of the windows read.
                skipped.setdefault(key, []).append(raw.get("window"))
                groups.setdefault(key, [])
                continue
            groups.setdefault(key, []).append(_parse_window(raw, where))
    for key, windows in groups.items():
        windows.sort(key=lambda w: w.index)
        seen = sorted([w.index for w in windows] + skipped.get(key, []))
        if seen != list(range(len(seen))):
            raise InputError(
                "doc_id=%s query_id=%s: window indices are %s, expected 0..%d each once (%s)"
                % (json.dumps(key[0]), json.dumps(key[1]), _short(seen), len(seen) - 1,
                   ", ".join(sorted(set(w.where.rsplit(":", 1)[0] for w in windows)))))
        if not windows:
            continue
        first = windows[0].settings
        for w in windows[1:]:
            if w.settings != first:
                raise InputError(
                    "doc_id=%s query_id=%s: window %d has settings %s but window 0 has %s (%s)"
                    % (json.dumps(key[0]), json.dumps(key[1]), w.index, w.settings, first,
                       w.where))
    return groups, len(files)


def read_answers(path):
    """Returns {(doc_id, query_id): [row dict]}; rows keep their raw fields plus 'where'."""
    groups = {}
    for where, raw in _json_lines(path):
        doc, query = raw.get("doc_id"), raw.get("query_id")
        if doc is None or query is None:
            raise InputError("%s: 'doc_id' and 'query_id' are required" % where)
        raw = dict(raw)
        raw["where"] = where
        groups.setdefault((_key_part(doc), _key_part(query)), []).append(raw)
    return groups


def _short(values, limit=20):
    text = ", ".join(str(v) for v in values[:limit])
    return "[" + text + (", ..." if len(values) > limit else "") + "]"


# ---------------------------------------------------------------------------------------------
# Decoding


def _softmax(logits):
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [x / total for x in exps]


def _top_token_spans(p_start, p_end, max_answer_len, top_k):
    """The top_k entries (s, e) of the span matrix, which holds p_start[s] * p_end[e] where
    0 <= e - s < max_answer_len and 0 elsewhere, by score descending, ties to the lower flat
    index s * L + e. Returns [(score, s, e)] best first."""
    length = len(p_start)
    # Min-heap whose root is the worst kept span: lowest score, then highest flat index.
    heap = []
    best_end = max(p_end)
    for s in sorted((i for i in range(length) if p_start[i] > 0.0), key=lambda i: -p_start[i]):
        ps = p_start[s]
        if len(heap) == top_k and ps * best_end < heap[0][0]:
            break  # no span starting here (or at any later, smaller p_start) can get in
        for e in range(s, min(length, s + max_answer_len)):
            score = ps * p_end[e]
            if score <= 0.0:
                continue
            item = (score, -(s * length + e), s, e)
            if len(heap) < top_k:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    ranked = [(score, s, e) for score, _, s, e in sorted(heap, reverse=True)]
    if len(ranked) < top_k:
        # Fewer positive spans than top_k. The pipeline ranks the whole L x L matrix, where spans
        # outside the band (e < s, or too long) hold 0, so the rest are the matrix's zero entries
        # in flat order, in the band or not; the caller then drops those on undesired tokens.
        for s in range(length):
            if len(ranked) == top_k:
                break
            for e in range(length):
                if e < s or e - s >= max_answer_len or p_start[s] * p_end[e] <= 0.0:
                    ranked.append((0.0, s, e))
                    if len(ranked) == top_k:
                        break
    return ranked


def _token_offsets(window, i):
    o = window.offsets[i]
    if o is None:
        if i == 0:
            return (0, 0)  # the CLS position: the pipeline's fast tokenizers give it (0, 0)
        raise InputError("%s: a span uses token %d, which has no offsets" % (window.where, i))
    return o


def _word_chars(window):
    """{word id: (start of its first context token, end of its last context token)}."""
    chars = {}
    for i, (seq, wid) in enumerate(zip(window.sequence_ids, window.word_ids)):
        if seq == 1 and wid is not None:
            o = window.offsets[i]
            if wid in chars:
                chars[wid] = (chars[wid][0], o[1])
            else:
                chars[wid] = o
    return chars


def decode_window(window, cls_spans):
    """Returns (null score, [(score, start_char, end_char)]) for one window."""
    settings = window.settings
    undesired = [seq != 1 for seq in window.sequence_ids]
    undesired[0] = False
    p_start = _softmax([MASKED_LOGIT if u else x for u, x in zip(undesired, window.start_logits)])
    p_end = _softmax([MASKED_LOGIT if u else x for u, x in zip(undesired, window.end_logits)])
    null_score = p_start[0] * p_end[0]
    p_start[0] = p_end[0] = 0.0
    spans = _top_token_spans(p_start, p_end, settings["max_answer_len"], candidates_per_window(settings))
    words = _word_chars(window) if settings["align_to_words"] else None
    out = []
    for score, s, e in spans:
        if undesired[s] or undesired[e]:
            continue
        if cls_spans == "drop" and (s == 0 or e == 0):
            continue
        start_char = end_char = None
        if words is not None:
            ws, we = window.word_ids[s], window.word_ids[e]
            # As the pipeline's try/except: both ends come from words, or both from offsets.
            if ws is not None and we is not None and ws in words and we in words:
                start_char, end_char = words[ws][0], words[we][1]
        if start_char is None:
            start_char, end_char = _token_offsets(window, s)[0], _token_offsets(window, e)[1]
        out.append((score, start_char, end_char))
    return null_score, out


def read_corpus(path, id_column, text_column):
    """{doc_id: text} from a JSON lines corpus."""
    texts = {}
    for where, raw in _json_lines(path):
        if id_column not in raw or not isinstance(raw.get(text_column), str):
            continue  # a record the run quarantined has no answers to check
        texts[_key_part(raw[id_column])] = raw[text_column]
    return texts


def utf16_slice(text, start, end):
    """text[start:end] where start and end count UTF-16 code units, as Java's String does."""
    if all(ord(c) < 0x10000 for c in text):
        return text[start:end]
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def _pool_by_text(decoded, text):
    """The pipeline's rule: [(score, start, end)] in the order the stable sort leaves them."""
    answers = []  # [score, start, end], in first-seen order
    by_text = {}
    for _, spans in decoded:  # windows by index
        for score, start, end in spans:
            key = utf16_slice(text, start, end).lower()
            if key in by_text:
                by_text[key][0] += score
            else:
                by_text[key] = [score, start, end]
                answers.append(by_text[key])
    return [tuple(a) for a in sorted(answers, key=lambda a: -a[0])]


def _pool_by_span(decoded):
    best = {}
    for _, spans in decoded:
        for score, start, end in spans:
            key = (start, end)
            if key not in best or score > best[key]:
                best[key] = score
    return sorted(((score, start, end) for (start, end), score in best.items()),
                  key=lambda t: (-t[0], t[1], t[2]))


def expected_answers(windows, cls_spans, text=None):
    """Returns (rows, null score, all ranked answers). A row is a dict with kind 'span' (start,
    end, score), 'null' (handle_impossible_answer's no-answer, score = null score) or 'none' (no
    candidate at all). text is the document's, needed with pooling text."""
    settings = windows[0].settings
    decoded = [decode_window(w, cls_spans) for w in windows]
    null_score = min(window_null for window_null, _ in decoded)
    if settings["pooling"] == "text":
        if text is None:
            raise InputError("pooling text merges answers by their text: pass the documents with --corpus")
        ranked = _pool_by_text(decoded, text)
    else:
        ranked = _pool_by_span(decoded)
    rows = [{"kind": "span", "start": s, "end": e, "score": score} for score, s, e in ranked]
    if settings["handle_impossible_answer"]:
        at = 0
        while at < len(rows) and rows[at]["score"] >= null_score:
            at += 1
        rows.insert(at, {"kind": "null", "start": None, "end": None, "score": null_score})
    rows = rows[:settings["top_k"]]
    if not rows:
        rows = [{"kind": "none", "start": None, "end": None, "score": None}]
    return rows, null_score, ranked


def check_sources(key, result, pooling, rel_tol, abs_tol):
    """An explain answers line: each answer's score must pool its sources' scores."""
    prefix = "doc_id=%s query_id=%s" % (json.dumps(key[0]), json.dumps(key[1]))
    problems = []
    for answer in result.get("answers", []):
        sources = answer.get("sources", [])
        if "start_char" not in answer:
            continue
        scores = [src.get("score") for src in sources]
        if not sources or not all(_is_number(x) for x in scores):
            problems.append("%s rank=%s: an answer without sources (%s)" % (prefix, answer.get("rank"), result["where"]))
            continue
        pooled = sum(scores) if pooling == "text" else max(scores)
        if not _close(pooled, answer.get("score", float("nan")), rel_tol, abs_tol):
            problems.append("%s rank=%s: score %r is not the %s of its sources' scores %s (%s)"
                            % (prefix, answer.get("rank"), answer.get("score"),
                               "sum" if pooling == "text" else "best", scores, result["where"]))
        if (sources[0].get("start_char"), sources[0].get("end_char")) != (answer["start_char"], answer["end_char"]) \
                and pooling == "text":
            problems.append("%s rank=%s: the answer is not at its first source's place (%s)"
                            % (prefix, answer.get("rank"), result["where"]))
    return problems


# ---------------------------------------------------------------------------------------------
# Comparing


def _close(a, b, rel_tol, abs_tol):
    return abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), abs_tol)


def _fmt_row(row, null_score):
    if row["kind"] == "span":
        return "span [%d, %d) score %.9g" % (row["start"], row["end"], row["score"])
    if row["kind"] == "null":
        return "no answer, score %.9g (null score)" % row["score"]
    return "no answer (no valid span), score null or %.9g (null score)" % null_score


def _fmt_got(row):
    parts = []
    if row.get("start_char") is None and row.get("end_char") is None:
        parts.append("no answer")
    else:
        parts.append("span [%s, %s)" % (row.get("start_char"), row.get("end_char")))
    parts.append("score %s" % _num(row.get("score")))
    for extra in ("no_answer_reason", "reason"):
        if row.get(extra) is not None:
            parts.append("%s %s" % (extra, row[extra]))
    return ", ".join(parts)


def _num(v):
    if _is_number(v):
        return "%.9g" % v
    return json.dumps(v)


def compare_group(key, windows, rows, rel_tol, abs_tol, cls_spans, text=None):
    """Returns a list of disagreement messages for one (doc, query)."""
    expected, null_score, ranked = expected_answers(windows, cls_spans, text)
    prefix = "doc_id=%s query_id=%s" % (json.dumps(key[0]), json.dumps(key[1]))
    problems = []

    by_rank = {}
    for row in rows:
        rank = row.get("rank")
        if not _is_int(rank) or rank < 1:
            problems.append("%s: row with bad rank %r (%s)" % (prefix, rank, row["where"]))
            continue
        if rank in by_rank:
            problems.append("%s rank=%d: rank appears twice (%s and %s)"
                            % (prefix, rank, by_rank[rank]["where"], row["where"]))
            continue
        by_rank[rank] = row
    if len(rows) != len(expected):
        problems.append("%s: expected %d answer rows, got %d"
                        % (prefix, len(expected), len(rows)))

    for rank in range(1, max(len(expected), max(by_rank) if by_rank else 0) + 1):
        exp = expected[rank - 1] if rank <= len(expected) else None
        got = by_rank.get(rank)
        head = "%s rank=%d" % (prefix, rank)
        if got is None:
            problems.append("%s: expected %s, got no row" % (head, _fmt_row(exp, null_score)))
            continue
        if exp is None:
            problems.append("%s: expected no row, got %s (%s)" % (head, _fmt_got(got), got["where"]))
            continue
        where = got["where"]
        g_start, g_end, g_score = got.get("start_char"), got.get("end_char"), got.get("score")
        mismatch = []
        if exp["kind"] == "span":
            if g_start != exp["start"] or g_end != exp["end"]:
                mismatch.append("span")
        else:
            if g_start is not None or g_end is not None:
                mismatch.append("span")
        if exp["kind"] == "none":
            # No valid span: the row's score may be null; a number must be the null score.
            if g_score is not None and not (
                    _is_number(g_score) and _close(g_score, null_score, rel_tol, abs_tol)):
                mismatch.append("score")
        elif not _is_number(g_score) or not _close(g_score, exp["score"], rel_tol, abs_tol):
            mismatch.append("score")
        if mismatch:
            message = "%s: %s %s: expected %s, got %s (%s)" % (
                head, " and ".join(mismatch), "differs" if len(mismatch) == 1 else "differ",
                _fmt_row(exp, null_score), _fmt_got(got), where)
            hint = ("span" in mismatch
                    and _near_tie_hint(exp, got, ranked, null_score, rel_tol, abs_tol))
            if hint:
                message += "; " + hint
            problems.append(message)
        g_null = got.get("null_score")
        if not _is_number(g_null) or not _close(g_null, null_score, rel_tol, abs_tol):
            problems.append("%s: null_score differs: expected %.9g, got %s (%s)"
                            % (head, null_score, _num(g_null), where))
    return problems, len(rows)


def _near_tie_hint(exp, got, ranked, null_score, rel_tol, abs_tol):
    """Explains a rank mismatch that only swaps candidates whose scores are within tolerance."""
    if exp["score"] is None:
        return None
    g_start, g_end = got.get("start_char"), got.get("end_char")
    if g_start is None and g_end is None:
        got_score = null_score
    else:
        got_score = next((score for score, s, e in ranked if s == g_start and e == g_end), None)
        if got_score is None:
            return "the got span is not among the recomputed candidates"
    if _close(got_score, exp["score"], rel_tol, abs_tol):
        return ("the got candidate recomputes to %.9g, within tolerance of the expected score: "
                "a near-tie ordered differently" % got_score)
    return "the got candidate recomputes to %.9g" % got_score


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Re-derive QA answers from --explain window logits (Hugging Face "
                    "QuestionAnsweringPipeline post-processing) and compare with an answers file.")
    parser.add_argument("--explain", required=True, metavar="DIR",
                        help="directory searched recursively for *.jsonl window lines")
    parser.add_argument("--answers", required=True, metavar="FILE",
                        help="JSON lines, one answer row each")
    parser.add_argument("--rel-tol", type=float, default=1e-3,
                        help="relative tolerance for scores and null scores (default 1e-3)")
    parser.add_argument("--abs-tol", type=float, default=1e-12,
                        help="absolute tolerance floor, for scores at or near 0 (default 1e-12)")
    parser.add_argument("--cls-spans", choices=("keep", "drop"), default="keep",
                        help="zero-score spans touching token 0 (the CLS position), which make "
                             "a window's top_k only when it has fewer than top_k positive spans: "
                             "'keep' them as the pipeline does (CLS offsets (0, 0), so e.g. an "
                             "empty answer at [0, 0)), or 'drop' them, as a decoder that only "
                             "considers context spans does (default keep)")
    parser.add_argument("--corpus", metavar="FILE",
                        help="JSON lines with the documents' texts, needed when pooling is text")
    parser.add_argument("--id-column", default="doc_id", help="the corpus's id field (default doc_id)")
    parser.add_argument("--text-column", default="text", help="the corpus's text field (default text)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.explain):
        parser.error("--explain %s is not a directory" % args.explain)
    if not os.path.isfile(args.answers):
        parser.error("--answers %s is not a file" % args.answers)
    if not (args.rel_tol >= 0 and args.abs_tol >= 0):
        parser.error("tolerances must be >= 0")

    try:
        results = {}
        explain, files = read_explain(args.explain, results)
        answers = read_answers(args.answers)
        texts = read_corpus(args.corpus, args.id_column, args.text_column) if args.corpus else {}
    except (InputError, OSError, UnicodeDecodeError) as e:
        print("error: %s" % e)
        return 1

    problems = []
    for key in sorted(set(answers) - set(explain)):
        problems.append("doc_id=%s query_id=%s: %d answer rows but no windows in explain"
                        % (json.dumps(key[0]), json.dumps(key[1]), len(answers[key])))
    for key in sorted(set(explain) - set(answers)):
        problems.append("doc_id=%s query_id=%s: %d windows in explain but no answer rows"
                        % (json.dumps(key[0]), json.dumps(key[1]), len(explain[key])))
    pairs = rows = 0
    bad_pairs = 0
    for key in sorted(set(answers) & set(explain)):
        try:
            found, count = compare_group(key, explain[key], answers[key], args.rel_tol,
                                         args.abs_tol, args.cls_spans, texts.get(key[0]))
            if key in results and explain[key]:
                found = found + check_sources(key, results[key], explain[key][0].settings["pooling"],
                                              args.rel_tol, args.abs_tol)
        except InputError as e:
            found, count = ["error: %s" % e], len(answers[key])
        pairs += 1
        rows += count
        if found:
            bad_pairs += 1
            problems.extend(found)

    for p in problems:
        print(p)
    if not explain and not answers:
        print("nothing to check: no windows in %s (%d .jsonl files) and no answer rows in %s"
              % (args.explain, files, args.answers))
        return 1
    if problems:
        one_side = len(set(answers) ^ set(explain))
        print("checked %d (doc, query) pairs, %d answer rows: %d disagreements in %d pairs, "
              "%d pairs on one side only"
              % (pairs, rows, len(problems) - one_side, bad_pairs, one_side))
        return 1
    print("checked %d (doc, query) pairs, %d answer rows: all agree" % (pairs, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
