#!/usr/bin/env python3
"""Joins the paragraphs of SQuAD-format articles into long documents, for measuring the prefilter.

Each group of --articles consecutive articles becomes one document: their paragraphs joined with a
blank line, in order, every question kept with its answers' offsets shifted to the joined text
(unanswerable questions stay unanswerable). The output is SQuAD format with one paragraph per
document, what `evaluate --format squad` reads. Nothing here is committed data: run it on the
shared files (../shared/data/qa) when you need the fixture.

Examples:
  python3 tools/join-articles.py --articles 10 ../shared/data/qa/xquad.ru.json /tmp/xquad-ru-joined.json
  python3 tools/join-articles.py --articles 1 ../shared/data/qa/squad-v2.0-dev-5-articles.json /tmp/squad-joined.json
"""
import argparse
import json

SEPARATOR = "\n\n"


def join(data, per_document):
    documents = []
    for first in range(0, len(data), per_document):
        group = data[first:first + per_document]
        parts, qas, offset = [], [], 0
        for article in group:
            for paragraph in article["paragraphs"]:
                if parts:
                    offset += len(SEPARATOR)
                context = paragraph["context"]
                for qa in paragraph["qas"]:
                    moved = dict(qa)
                    moved["answers"] = [dict(a, answer_start=a["answer_start"] + offset) for a in qa["answers"]]
                    if "plausible_answers" in qa:
                        moved["plausible_answers"] = [dict(a, answer_start=a["answer_start"] + offset)
                                                      for a in qa["plausible_answers"]]
                    qas.append(moved)
                parts.append(context)
                offset += len(context)
        text = SEPARATOR.join(parts)
        for qa in qas:
            for a in qa["answers"]:
                if text[a["answer_start"]:a["answer_start"] + len(a["text"])] != a["text"]:
                    raise SystemExit("answer of %s does not match the joined text at %d" % (qa["id"], a["answer_start"]))
        title = " + ".join(article.get("title", "?") for article in group)
        documents.append({"title": title, "paragraphs": [{"context": text, "qas": qas}]})
    return documents


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=10, help="articles per document (default: 10)")
    p.add_argument("source")
    p.add_argument("out")
    args = p.parse_args()
    with open(args.source, encoding="utf-8") as f:
        squad = json.load(f)
    documents = join(squad["data"], args.articles)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"version": squad.get("version", "1.1"), "data": documents}, f, ensure_ascii=False)
    questions = sum(len(d["paragraphs"][0]["qas"]) for d in documents)
    chars = [len(d["paragraphs"][0]["context"]) for d in documents]
    print("wrote %s: %d documents of %d to %d characters, %d questions"
          % (args.out, len(documents), min(chars), max(chars), questions))


if __name__ == "__main__":
    main()
