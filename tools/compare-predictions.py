#!/usr/bin/env python3
"""Compares two evaluate runs' predictions.json: how many top answers a cheaper model keeps.

Run `evaluate` on the same data with the reference bundle (fp32) and with the variant (int8, ONNX,
fp16), then:

  python3 tools/compare-predictions.py eval-fp32/predictions.json eval-int8/predictions.json

prints the share of questions whose top answer is the same text (no answer counts as the answer
""). Question ids only are printed, never answers. Standard library only.
"""
import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reference", help="predictions.json of the reference model")
    p.add_argument("variant", help="predictions.json of the model to compare")
    p.add_argument("--show", type=int, default=0, help="print this many differing question ids")
    args = p.parse_args()
    with open(args.reference, encoding="utf-8") as f:
        reference = json.load(f)
    with open(args.variant, encoding="utf-8") as f:
        variant = json.load(f)
    missing = sorted(set(reference) ^ set(variant))
    if missing:
        sys.exit(f"the two files answer different questions ({len(missing)} ids in one only, e.g. {missing[0]}):"
                 " run evaluate on the same data file")
    differing = [q for q in reference if reference[q] != variant[q]]
    total = len(reference)
    same = total - len(differing)
    print(json.dumps({"questions": total, "identical": same,
                      "identical_share": round(same / total, 4) if total else None}))
    for q in differing[:args.show]:
        print(f"differs: {q}", file=sys.stderr)


if __name__ == "__main__":
    main()
