#!/usr/bin/env python3
"""Cross-check every MRZ in a truth.jsonl with two independent checkers:

  1. verify.py (written for this tool, separately from the emitter icao.py);
  2. the PyPI `mrz` package (mrz.checker.*CodeChecker), whose per-field
     check-digit report is read.

    python check_truth.py DIR/truth.jsonl

Expectations: valid=true -> both report no failing check digit; valid=false ->
exactly one failing check digit, the same one in both.  The `mrz` package does
not implement the long-document-number rule of TD1/TD2 (Doc 9303 note j), so
for those numbers its document-number verdict is skipped and verify.py's is
used.  Exit status 0 when everything agrees.
"""

import json
import sys
from collections import Counter

import verify

try:
    from mrz.checker.mrva import MRVACodeChecker
    from mrz.checker.mrvb import MRVBCodeChecker
    from mrz.checker.td1 import TD1CodeChecker
    from mrz.checker.td2 import TD2CodeChecker
    from mrz.checker.td3 import TD3CodeChecker
except ImportError:  # pragma: no cover
    print("the `mrz` package is needed: pip install -r requirements.txt", file=sys.stderr)
    raise

CHECKERS = {"TD1": TD1CodeChecker, "TD2": TD2CodeChecker, "TD3": TD3CodeChecker,
            "MRVA": MRVACodeChecker, "MRVB": MRVBCodeChecker}
# mrz package report names -> verify.py names
NAMES = {"document number hash": "number", "birth date hash": "birth", "expiry date hash": "expiry",
         "optional data hash": "personal", "final hash": "composite"}


def overflow(fmt, lines):
    if fmt == "TD1":
        return lines[0][14] == "<" and lines[0][13] != "<"
    if fmt == "TD2":
        return lines[1][9] == "<" and lines[1][8] != "<"
    return False


def pypi_failures(fmt, lines):
    chk = CHECKERS[fmt]("\n".join(lines))
    bad = []
    for desc, ok in chk.report.fields:
        if "hash" in desc and ok is False:
            bad.append(NAMES.get(desc, desc))
    return sorted(set(bad))


def main(path):
    stats = Counter()
    problems = []
    for ln in open(path, encoding="utf-8"):
        t = json.loads(ln)
        fmt, lines, valid = t["format"], t["lines"], t["valid"]
        if lines is None:
            ok = fmt == "none" and valid is None
            stats["none ok" if ok else "none BAD"] += 1
            if not ok:
                problems.append((t["file"], "negative with inconsistent fields"))
            continue
        mine = sorted(verify.verify(fmt, lines))
        theirs = pypi_failures(fmt, lines)
        long_num = overflow(fmt, lines)
        if long_num:
            theirs = sorted(set(theirs) - {"number"} | ({"number"} & set(mine)))
            stats["%s long-number (pypi number check skipped)" % fmt] += 1
        expect_n = 0 if valid else 1
        agree = mine == theirs and len(mine) == expect_n
        key = "%s valid=%s" % (fmt, valid)
        stats[key + (" agree" if agree else " DISAGREE")] += 1
        if not agree:
            problems.append((t["file"], fmt, lines, valid, mine, theirs))
    for k in sorted(stats):
        print("%-55s %d" % (k, stats[k]))
    for p in problems:
        print("PROBLEM", p)
    print("total problems:", len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "truth.jsonl"))
