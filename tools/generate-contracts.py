#!/usr/bin/env python3
"""Generates labelled Russian procurement contracts for training and evaluating the demo model.

Built from the building blocks of the sample corpus (jobs/sample/make_sample.py: subject, price,
delivery, liability, disputes and termination sections) with more variety of its own: several
wordings of the performance-security and warranty-security clauses, random amounts, percentages,
section order and numbering, separators between sections (blank lines, single newlines, CRLF, none),
contracts with only one of the clauses or neither, clauses saying no security is required, excerpts
that begin with a security section (numbered as in the whole contract), and an English variant.
The gold answer of a clause is its first sentence, as in
src/test/resources/eval/contracts-sample.json; a contract without the clause has the empty answer.

Formats:
  contracts  the JSON list `evaluate --format contracts` reads: {id, text, label, extracted_part}
             per (contract, query), the label being the query's question
  squad      SQuAD v2.0 (one paragraph per contract, unanswerable questions marked), for
             tools/train-test-model.py
  corpus     JSON lines {doc_id, text}, what `run --input-format json` reads

Examples:
  python3 tools/generate-contracts.py --seed 1 --count 600 --format squad --out /tmp/train.json
  python3 tools/generate-contracts.py --seed 2 --count 200 --format contracts --out /tmp/heldout.json
  python3 tools/generate-contracts.py --sample --format contracts --out jobs/sample/contracts-labelled.json
  python3 tools/generate-contracts.py --seed 3 --count 100 --sections 3-150 --format contracts --out /tmp/long.json
"""
import argparse
import importlib.util
import json
import os
import random

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_sample", os.path.join(_here, "..", "jobs", "sample", "make_sample.py"))
sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample)

PERFORMANCE_QUESTION = "обеспечение исполнения контракта"
WARRANTY_QUESTION = "обеспечение гарантийных обязательств"

# The first sentence (the gold answer) of each clause wording, then what may follow it.
PERFORMANCE_FIRST = [
    "Обеспечение исполнения контракта устанавливается в размере {pct} процентов от начальной "
    "(максимальной) цены контракта и составляет {sum} рублей.",
    "Размер обеспечения исполнения контракта составляет {pct} % начальной (максимальной) цены "
    "контракта, т.е. {sum} рублей.",
    "Поставщик предоставляет обеспечение исполнения контракта в размере {sum} рублей ({pct} % "
    "цены контракта).",
    "Исполнение контракта обеспечивается в размере {pct} процентов цены контракта, что составляет "
    "{sum} рублей.",
    "Размер обеспечения исполнения контракта — {pct} % начальной (максимальной) цены контракта, т.е. "
    "{sum} рублей.",
]
PERFORMANCE_REST = [
    "Исполнение контракта может обеспечиваться предоставлением независимой гарантии или внесением "
    "денежных средств на указанный заказчиком счет.",
    "Способ обеспечения исполнения контракта определяется участником закупки самостоятельно.",
    "Денежные средства возвращаются поставщику в течение пятнадцати дней с даты исполнения "
    "обязательств.",
    "В случае если участником закупки, с которым заключается контракт, предложена цена, которая на "
    "двадцать пять и более процентов ниже начальной цены, обеспечение предоставляется в размере, "
    "превышающем в полтора раза указанный размер.",
]
WARRANTY_FIRST = [
    "Обеспечение гарантийных обязательств предоставляется поставщиком до оформления документа о "
    "приемке товара в размере {pct} процента от цены контракта, что составляет {sum} рублей.",
    "Размер обеспечения гарантийных обязательств составляет {pct} % цены контракта ({sum} рублей).",
    "Поставщик обязан предоставить обеспечение гарантийных обязательств в размере {sum} рублей до "
    "подписания документа о приемке.",
    "Гарантийные обязательства обеспечиваются в размере {pct} процента от цены контракта, то есть "
    "{sum} рублей.",
]
WARRANTY_REST = [
    "Срок действия независимой гарантии должен превышать срок гарантийных обязательств не менее чем "
    "на один месяц.",
    "Гарантийный срок на товар составляет двенадцать месяцев с даты приемки.",
]
# Clauses that speak of the security but set none: the question has no answer here.
PERFORMANCE_NONE = [
    "Обеспечение исполнения контракта не требуется, поскольку контракт заключается с единственным "
    "поставщиком.",
    "Требование об обеспечении исполнения контракта не устанавливается.",
]
WARRANTY_NONE = [
    "Обеспечение гарантийных обязательств не требуется.",
    "Требование об обеспечении гарантийных обязательств заказчиком не установлено.",
]
HEADINGS = {"performance": "Обеспечение исполнения контракта.", "warranty": "Обеспечение гарантийных обязательств."}

EN_SUBJECT = "Subject. The Supplier shall deliver {item} and the Customer shall accept and pay for it."
EN_ITEMS = ["office furniture", "medical devices", "computer equipment", "school meals", "road materials",
            "office paper", "fuel and lubricants"]
EN_PRICE = "Price. The contract price is {sum} roubles including VAT and is fixed for the whole term."
EN_DISPUTES = "Disputes. Disputes are settled by negotiation, failing which by the arbitration court."
EN_OTHERS = [
    "Delivery. The goods are delivered within {days} calendar days of the date the contract is signed.",
    "Liability. For each day of delay the Supplier pays a penalty of one three-hundredth of the key rate.",
    "Termination. The contract may be terminated by agreement of the parties or by a court decision.",
]
EN_PERFORMANCE_FIRST = [
    "The contract performance security is set at {pct} percent of the initial contract price, that "
    "is {sum} roubles, provided as an independent guarantee or as a cash deposit.",
    "The Supplier provides a performance security of {sum} roubles ({pct} percent of the contract "
    "price).",
    "The performance security amounts to {pct} percent of the contract price, that is {sum} roubles.",
]
EN_WARRANTY_FIRST = [
    "Security for warranty obligations of {pct} percent of the contract price is provided before "
    "the acceptance document is signed.",
    "The warranty security is {sum} roubles, provided before acceptance.",
    "The Supplier shall provide security for warranty obligations of {sum} roubles before the "
    "acceptance document is signed.",
]

SEPARATORS = ["\n\n", "\n\n", "\n", "\r\n", "\r\n\r\n", " "]


def rubles(rng, low=50_000, high=30_000_000):
    value = rng.randrange(low, high)
    whole = f"{value:,}".replace(",", "\u00a0" if rng.random() < 0.2 else " ")
    return whole + (",00" if rng.random() < 0.7 else "")


def numbered(style, n, text):
    return {"dot": f"{n}. ", "section": f"Раздел {n}. ", "article": f"Статья {n}. ", "paren": f"{n}) ",
            "none": ""}[style] + text


def clause(rng, first_sentences, rest, heading):
    """(section text without numbering, the gold sentence)."""
    first = rng.choice(first_sentences).format(pct=rng.choice(["0,5", "1", "2", "3", "5", "7", "10", "15", "30"]), sum=rubles(rng))
    if rng.random() < 0.3:
        # Typeset contracts bind the dash and the percent sign with no-break spaces.
        first = first.replace(" —", "\u00a0—").replace(" %", "\u00a0%")
    sentences = [first] + rng.sample(rest, rng.randint(0, len(rest)))
    if heading and rng.random() < 0.25:
        # A titled section with numbered points ("7.1. ..."); {k} becomes the section's number.
        lines = [f"{{k}}.{i + 1}. {sentence}" for i, sentence in enumerate(sentences)]
        return heading + "\r\n" + "\r\n".join(lines), first
    body = " ".join(sentences)
    if heading and rng.random() < 0.3:
        body = heading + rng.choice([" ", "\n", "\r\n"]) + body
    return body, first


def russian_contract(rng, sections_range=None):
    sections = [sample.SUBJECT.format(n=1, item=rng.choice(sample.ITEMS)).split(". ", 1)[1]]
    city = rng.choice(sample.CITIES)
    others = [sample.PRICE.format(sum=rubles(rng)),
              sample.DELIVERY.format(city=city[0], street=city[1], house=rng.randint(1, 150), days=rng.randint(2, 60)),
              sample.LIABILITY, sample.DISPUTES, sample.TERMINATION]
    sections += rng.sample(others, rng.randint(1, len(others)))
    if sections_range:
        # As many sections as asked (the clauses come on top): long documents for the prefilter.
        sections += [rng.choice(others) for _ in range(max(0, rng.randint(*sections_range) - len(sections)))]
    elif rng.random() < 0.15:
        # A long contract: many windows without either clause, as in the sample's long contract,
        # whose parts (the subject among them) repeat.
        subject = sample.SUBJECT.format(n=1, item=rng.choice(sample.ITEMS)).split(". ", 1)[1]
        sections += [rng.choice(others + [subject]) for _ in range(rng.randint(8, 40))]
    golds, clauses = {}, []
    for kind, first, rest, none in (("performance", PERFORMANCE_FIRST, PERFORMANCE_REST, PERFORMANCE_NONE),
                                    ("warranty", WARRANTY_FIRST, WARRANTY_REST, WARRANTY_NONE)):
        # Often both clauses: the question, not the clause's presence, must decide which is the answer.
        roll = rng.random()
        if roll < 0.7:
            body, gold = clause(rng, first, rest, HEADINGS[kind])
            golds[kind] = gold
        elif roll < 0.82:
            body = rng.choice(none)
        else:
            continue
        # Anywhere, the very start included: an excerpt may begin with its security section.
        sections.insert(rng.randint(0 if rng.random() < 0.1 else 1, len(sections)), body)
        clauses.append(body)
    first_number = 1
    if sections_range is None and clauses and rng.random() < 0.15:
        # An excerpt: the contract's text starts at its first security section, numbered as in the
        # whole contract ("Раздел 7. ..."), as the sample's contract 5 does. Without these the model
        # learns that an answer never starts in the first tokens of a contract. Not with --sections,
        # whose documents are long on purpose.
        cut = min(sections.index(body) for body in clauses)
        sections = sections[cut:]
        first_number = cut + 1 if cut else rng.randint(2, 12)
    return sections, golds, first_number


def english_contract(rng):
    sections = [EN_SUBJECT.format(item=rng.choice(EN_ITEMS)), EN_PRICE.format(sum=rubles(rng).replace(" ", ","))]
    sections += [other.format(days=rng.randint(2, 60)) for other in rng.sample(EN_OTHERS, rng.randint(0, len(EN_OTHERS)))]
    golds = {}
    for kind, firsts, heading in (("performance", EN_PERFORMANCE_FIRST, "Performance security."),
                                  ("warranty", EN_WARRANTY_FIRST, "Warranty security.")):
        if rng.random() < 0.7:
            gold = rng.choice(firsts).format(pct=rng.choice([1, 2, 5, 10]), sum=rubles(rng).replace(" ", ","))
            golds[kind] = gold
            sections.insert(rng.randint(1, len(sections)), (heading + " " if rng.random() < 0.8 else "") + gold)
    sections.append(EN_DISPUTES)
    return sections, golds, 1


def contract(rng, sections_range=None):
    # --sections asks for long Russian contracts only; the English variant is short by construction.
    english = sections_range is None and rng.random() < 0.2
    sections, golds, first = english_contract(rng) if english else russian_contract(rng, sections_range)
    style = rng.choice(["dot", "dot", "section", "article", "paren", "none"])
    separator = rng.choice(SEPARATORS)
    text = separator.join(numbered(style, first + i, s).replace("{k}", str(first + i))
                          for i, s in enumerate(sections))
    return text, golds


def sample_contracts():
    """The sample corpus with its golds: the first sentence of each security clause it has."""
    labelled = []
    for line in sample_lines():
        doc = json.loads(line)
        golds = {}
        for kind, firsts in (("performance", ["Обеспечение исполнения контракта устанавливается",
                                              "Размер обеспечения исполнения контракта",
                                              "The contract performance security"]),
                             ("warranty", ["Обеспечение гарантийных обязательств предоставляется",
                                           "Security for warranty obligations"])):
            for prefix in firsts:
                at = doc["text"].find(prefix)
                if at >= 0:
                    golds[kind] = doc["text"][at:sentence_end(doc["text"], at)]
                    break
        labelled.append((doc["doc_id"], doc["text"], golds))
    return labelled


def sentence_end(text, start):
    """Just past the full stop that ends the sentence starting at start: one followed by whitespace
    or the end of the text, and not the one of the abbreviation "т.е."."""
    at = start
    while True:
        dot = text.find(".", at)
        if dot < 0:
            return len(text)
        if (dot + 1 == len(text) or text[dot + 1].isspace()) and text[max(0, dot - 3):dot] != "т.е":
            return dot + 1
        at = dot + 1


def sample_lines():
    import io
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        sample.main()
    return out.getvalue().splitlines()


def generated(seed, count, sections_range=None):
    rng = random.Random(seed)
    return [(f"gen-{seed}-{i:05d}", *contract(rng, sections_range)) for i in range(count)]


def as_contracts(docs):
    records = []
    for doc_id, text, golds in docs:
        for kind, question in (("performance", PERFORMANCE_QUESTION), ("warranty", WARRANTY_QUESTION)):
            gold = golds.get(kind)
            start = text.index(gold) if gold else -1
            records.append({"id": f"{doc_id}/{kind}", "text": text, "label": question, "extracted_part": {
                "text": [gold or ""], "answer_start": [start], "answer_end": [start + len(gold) if gold else -1]}})
    return records


def as_squad(docs):
    paragraphs = []
    for doc_id, text, golds in docs:
        qas = []
        for kind, question in (("performance", PERFORMANCE_QUESTION), ("warranty", WARRANTY_QUESTION)):
            gold = golds.get(kind)
            qas.append({"id": f"{doc_id}/{kind}", "question": question, "is_impossible": gold is None,
                        "answers": [{"text": gold, "answer_start": text.index(gold)}] if gold else []})
        paragraphs.append({"context": text, "qas": qas})
    return {"version": "v2.0", "data": [{"title": "generated contracts", "paragraphs": paragraphs}]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--seed", type=int, help="generate contracts from this seed")
    source.add_argument("--sample", action="store_true", help="label the sample corpus (jobs/sample) instead")
    p.add_argument("--count", type=int, default=200, help="contracts to generate (default: 200)")
    p.add_argument("--sections", help="MIN-MAX: Russian contracts of this many sections besides the clauses (e.g."
                   " 3-150, long documents for the prefilter); default: the training mix, mostly 2 to 8")
    p.add_argument("--format", choices=["contracts", "squad", "corpus"], required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    sections_range = tuple(int(n) for n in args.sections.split("-")) if args.sections else None
    docs = sample_contracts() if args.sample else generated(args.seed, args.count, sections_range)
    with open(args.out, "w", encoding="utf-8") as f:
        if args.format == "corpus":
            for doc_id, text, _ in docs:
                f.write(json.dumps({"doc_id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        else:
            json.dump(as_contracts(docs) if args.format == "contracts" else as_squad(docs), f, ensure_ascii=False,
                      indent=1)
            f.write("\n")
    with_clause = sum(1 for _, _, g in docs for _ in g)
    print(f"wrote {args.out}: {len(docs)} contracts, {with_clause} of {2 * len(docs)} questions answerable")


if __name__ == "__main__":
    main()
