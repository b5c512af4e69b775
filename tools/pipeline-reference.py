#!/usr/bin/env python3
"""Answers question/context cases with the REAL Hugging Face question-answering pipeline.

The reference corpus-qa's answers are tested against: transformers 4.57.6's
pipeline("question-answering") (the pipeline was removed in transformers 5.3), run on a Hugging Face
folder (tools/bundle-to-hf.py, tools/make-hf-qa-model.py, or a downloaded model) on the CPU. Each line
of --cases is one JSON object:

  {"id": "...", "question": "...", "context": "...", "top_k": 3, "max_answer_len": 15,
   "handle_impossible_answer": false, "align_to_words": true, "max_seq_len": 384, "doc_stride": 128}

id, question and context are required; the others are the pipeline's keyword arguments of the same
names, passed as given (one that is absent takes the pipeline's default; max_question_len may be
given too). --out gets one line per case, in the cases' order:

  {"id": "...", "answers": [{"score": 0.53, "start": 10, "end": 24, "answer": "..."}, ...]}

answers is always a list (the pipeline returns a bare dict where it has one answer), best first, as
the pipeline ordered it; start and end are character offsets into the context, score the
pipeline's float32 probability written as a double.

Before anything runs, the installed transformers is checked to be the release: version 4.57.6, and
every file of the package (bytecode caches aside) as its wheel's RECORD lists it (sha256), except
dependency_versions_table.py, where tools/reference-venv.sh relaxes the huggingface-hub pin and
nothing else (undoing that one edit must give the released file's hash). A file that differs, is
missing or was added is refused with exit status 1: the reference must be the released code.

torch runs on one thread: on the build machines' two busy cores multi-threaded torch was much slower.
Prints the total time and cases per second. Run it in the reference venv:

  target/venv/bin/python tools/pipeline-reference.py --model /tmp/contracts-demo-hf \\
      --cases cases.jsonl --out answers.jsonl
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time
from importlib import metadata

VERSION = "4.57.6"
PATCHED = "transformers/dependency_versions_table.py"
PIN = '"huggingface-hub>=0.34.0,<1.0"'
RELAXED = '"huggingface-hub>=0.34.0"'
TYPE_NAMES = {int: "an integer", bool: "true or false", str: "a string"}
OPTIONS = {"top_k": int, "max_answer_len": int, "handle_impossible_answer": bool, "align_to_words": bool,
           "max_seq_len": int, "doc_stride": int, "max_question_len": int}
REQUIRED = {"id": str, "question": str, "context": str}


def record_hash(data):
    """A wheel RECORD's hash of these bytes: urlsafe base64 of the sha256, without padding."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def check_release():
    """Refuses any transformers but 4.57.6 as released, with only the hub pin relaxed."""
    try:
        dist = metadata.distribution("transformers")
    except metadata.PackageNotFoundError:
        raise SystemExit("transformers is not installed: run tools/reference-venv.sh and this tool with "
                         "target/venv/bin/python") from None
    if dist.version != VERSION:
        raise SystemExit(f"transformers {dist.version} is installed; the reference is {VERSION} "
                         f"(tools/reference-venv.sh installs it)")
    as_released, patched, problems, listed = 0, [], [], set()
    for entry in dist.files or []:
        path = str(entry)
        listed.add(os.path.normpath(str(entry.locate())))
        if entry.hash is None or path.endswith(".pyc") or "__pycache__" in path:
            continue  # RECORD itself, and bytecode, carry no hash
        try:
            with open(entry.locate(), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            problems.append(f"{path}: missing")
            continue
        want = f"{entry.hash.mode}={entry.hash.value}"
        if record_hash(data) == want:
            as_released += 1
        elif path == PATCHED and data.count(RELAXED.encode()) == 1 and \
                record_hash(data.replace(RELAXED.encode(), PIN.encode())) == want:
            patched.append(path)
        else:
            problems.append(f"{path}: sha256 differs from RECORD")
    if not listed:
        raise SystemExit(f"transformers {VERSION} has no RECORD listing its files: cannot check it is the release")
    # Files RECORD does not list (added or left behind in the package folder) would run too.
    package = os.path.join(os.path.normpath(str(dist.locate_file(""))), "transformers")
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            full = os.path.normpath(os.path.join(folder, name))
            if not name.endswith(".pyc") and full not in listed:
                problems.append(f"{os.path.relpath(full, os.path.dirname(package))}: not in RECORD")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise SystemExit(f"transformers {VERSION} is not as released ({len(problems)} file(s)): {shown}. "
                         f"Recreate the venv: rm -r {sys.prefix} && tools/reference-venv.sh {sys.prefix}")
    note = (f"1 patched ({os.path.basename(PATCHED)}: huggingface-hub pin relaxed)" if patched
            else "0 patched (the huggingface-hub pin is as released)")
    print(f"transformers {VERSION}: {as_released} files as released, {note}")


def read_cases(path):
    cases, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                case = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{where}: not JSON ({e})") from None
            if not isinstance(case, dict):
                raise SystemExit(f"{where}: a case is a JSON object, got {type(case).__name__}")
            for key, kind in REQUIRED.items():
                if not isinstance(case.get(key), kind):
                    raise SystemExit(f"{where}: {key!r} must be {TYPE_NAMES[kind]}, got {case.get(key)!r}")
            for key, value in case.items():
                if key in REQUIRED:
                    continue
                if key not in OPTIONS:
                    raise SystemExit(f"{where}: unknown key {key!r}; a case has {sorted(REQUIRED)} and "
                                     f"optionally {sorted(OPTIONS)}")
                # bool is an int in Python: an int option must not take true/false, nor a bool option 0/1.
                if type(value) is not OPTIONS[key]:
                    raise SystemExit(f"{where}: {key!r} must be {TYPE_NAMES[OPTIONS[key]]}, got {value!r}")
            if case["id"] in seen:
                raise SystemExit(f"{where}: id {case['id']!r} appears twice")
            seen.add(case["id"])
            cases.append(case)
    if not cases:
        raise SystemExit(f"{path} has no cases")
    return cases


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="a Hugging Face folder with a *ForQuestionAnswering")
    p.add_argument("--cases", required=True, help="JSON lines: id, question, context and pipeline options")
    p.add_argument("--out", required=True, help="JSON lines to write: id and answers")
    args = p.parse_args()
    if not os.path.isfile(os.path.join(args.model, "config.json")):
        raise SystemExit(f"--model {args.model} has no config.json: not a Hugging Face folder")
    check_release()
    cases = read_cases(args.cases)

    import torch

    torch.set_num_threads(1)
    from transformers import pipeline

    loaded = time.perf_counter()
    qa = pipeline("question-answering", model=args.model, tokenizer=args.model, device="cpu")
    print(f"loaded {args.model}: {type(qa.model).__name__}, {type(qa.tokenizer).__name__} "
          f"({time.perf_counter() - loaded:.1f}s)")

    started = time.perf_counter()
    partial = args.out + ".partial"
    try:
        write_answers(qa, cases, partial)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    # Renamed at the end, so that a failed run leaves no answers file that looks complete.
    os.replace(partial, args.out)
    seconds = time.perf_counter() - started
    print(f"answered {len(cases)} cases in {seconds:.2f}s ({len(cases) / seconds:.2f} cases/s); wrote {args.out}")


def write_answers(qa, cases, path):
    with open(path, "w", encoding="utf-8") as out:
        for case in cases:
            options = {key: value for key, value in case.items() if key in OPTIONS}
            try:
                result = qa(question=case["question"], context=case["context"], **options)
            except Exception as e:  # noqa: BLE001 (which case failed is what matters)
                raise SystemExit(f"case {case['id']!r}: the pipeline failed: {type(e).__name__}: {e}") from e
            answers = result if isinstance(result, list) else [result]
            out.write(json.dumps({"id": case["id"], "answers": [
                {"score": float(a["score"]), "start": int(a["start"]), "end": int(a["end"]), "answer": a["answer"]}
                for a in answers]}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
