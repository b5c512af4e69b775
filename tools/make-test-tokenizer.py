#!/usr/bin/env python3
"""Builds a small WordPiece tokenizer.json (BERT-style, lowercasing) for test models.

The vocabulary is every Latin and Cyrillic letter, digit and common punctuation mark (so no
ordinary text in either script maps to [UNK]), their '##' continuations, the most frequent word
endings and the most frequent whole words of the given corpus files. Needs only the Python
standard library. Example:

  python3 tools/make-test-tokenizer.py --corpus jobs/sample/contracts.jsonl --vocab-size 3000 \
      --out tokenizer.json
"""
import argparse
import collections
import json
import re
import string
import unicodedata

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
EXTRA_SYMBOLS = "№«»—–…°±§€₽"


def is_punctuation(ch):
    # Mirrors how BERT's pre-tokenizer splits: ASCII punctuation and Unicode category P*.
    return ch in string.punctuation or unicodedata.category(ch).startswith("P")


def words_of(text):
    text = text.lower()
    for chunk in text.split():
        for word in re.split(r"(\W)", chunk):
            if word and not all(is_punctuation(c) for c in word) and word.strip():
                yield word


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            for line in f:
                if line.strip():
                    yield json.loads(line).get("text") or ""
        else:
            yield f.read()


def build_vocab(corpus_files, vocab_size):
    alphabet = string.ascii_lowercase + CYRILLIC + string.digits
    vocab = list(SPECIALS)
    vocab += list(string.punctuation) + list(EXTRA_SYMBOLS)
    vocab += list(alphabet) + ["##" + c for c in alphabet]
    seen = set(vocab)

    word_counts = collections.Counter()
    for path in corpus_files:
        for text in read_texts(path):
            word_counts.update(words_of(text))
    suffix_counts = collections.Counter()
    for word, count in word_counts.items():
        for n in (2, 3, 4):
            if len(word) > n:
                suffix_counts["##" + word[-n:]] += count

    # Alternate whole words and endings so that unseen words still split into few pieces.
    words = [w for w, _ in word_counts.most_common()]
    suffixes = [s for s, _ in suffix_counts.most_common()]
    for pair in zip(words, suffixes + [None] * len(words)):
        for entry in pair:
            if entry and entry not in seen and len(vocab) < vocab_size:
                vocab.append(entry)
                seen.add(entry)
    return vocab


def tokenizer_json(vocab):
    def special(token):
        return {"id": vocab.index(token), "content": token, "single_word": False, "lstrip": False,
                "rstrip": False, "normalized": False, "special": True}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(t) for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": False, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab.index(t)], "tokens": [t]}
                               for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", required=True, help="text or .jsonl files (field 'text')")
    parser.add_argument("--vocab-size", type=int, default=3000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    vocab = build_vocab(args.corpus, args.vocab_size)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False, indent=1)
    print(f"wrote {args.out}: {len(vocab)} entries")


if __name__ == "__main__":
    main()
