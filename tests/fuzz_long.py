"""A long fuzz run of the properties in tests/test_fuzz.py; prints iterations and findings.

    .venv/bin/python tests/fuzz_long.py [--minutes 10] [--chunk 500] [--only NAME ...]

Each property runs in chunks of `--chunk` examples with a new seed each chunk, until its share
of the time is up. A finding is the smallest failing input hypothesis shrank to; the run goes on
with the next chunk. Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import test_fuzz as props  # noqa: E402


def _properties():
    """(name, strategy, check) of every property, checks taken from the CI test bodies."""

    def inner(test):
        return test.hypothesis.inner_test

    return [
        ("parse_message(arbitrary bytes)", st.binary(max_size=20_000), inner(props.test_parse_message_on_arbitrary_bytes)),
        ("parse_message(mutated samples)", props.mutated_sample(), inner(props.test_parse_message_on_mutated_samples)),
        ("parse_message(built messages)", props.built_message(), inner(props.test_parse_message_on_built_messages)),
        ("html_to_text(any text)", st.text(max_size=5000), inner(props.test_html_to_text_never_raises_on_any_text)),
        ("html_to_text(scripts dropped)", st.lists(props.html_document(), min_size=1, max_size=8).map("".join),
         inner(props.test_html_to_text_drops_scripts)),
        ("safe_name", st.tuples(props.NAMES, st.sampled_from(["attachment", "", ".."])),
         lambda args: inner(props.test_safe_name_properties)(*args)),
        ("unique_names", st.lists(props.NAMES, max_size=12), inner(props.test_unique_names_are_unique_and_safe)),
        ("record serialisation", props.simple_message() | props.mutated_sample(),
         inner(props.test_records_validate_and_round_trip)),
    ]


def run(name, strategy, check, budget: float, chunk: int) -> tuple[int, list[str]]:
    """Run one property for `budget` seconds; return (examples run, findings)."""
    count = 0
    findings: list[str] = []
    deadline = time.monotonic() + budget
    n = 0
    while time.monotonic() < deadline:
        n += 1

        def counted(value):
            nonlocal count
            count += 1
            check(value)

        test = seed(1000 + n)(settings(max_examples=chunk, deadline=None, database=None, derandomize=False,
                                        suppress_health_check=list(HealthCheck))(given(strategy)(counted)))
        try:
            test()
        except Exception as e:  # noqa: BLE001 - a finding, reported and the run goes on
            first = (str(e).strip().splitlines() or [""])[0]
            example = " ".join(" ".join(n.split()) for n in getattr(e, "__notes__", []) if "Falsifying" in n)
            finding = f"{name}: {type(e).__name__}: {first[:200]} | {example[:300]}"
            if finding not in findings:
                findings.append(finding)
                print(f"  FINDING {finding}", flush=True)
    return count, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--only", nargs="*", help="substrings of property names to run")
    args = parser.parse_args()
    properties = [p for p in _properties() if not args.only or any(o in p[0] for o in args.only)]
    import logging
    import warnings

    logging.disable(logging.WARNING)  # the pipeline's per-message warnings would drown the findings
    warnings.simplefilter("ignore")
    share = args.minutes * 60 / len(properties)
    total, found = 0, []
    started = time.monotonic()
    for name, strategy, check in properties:
        t = time.monotonic()
        count, findings = run(name, strategy, check, share, args.chunk)
        total += count
        found += findings
        print(f"{name}: {count} examples in {time.monotonic() - t:.0f} s, {len(findings)} finding(s)", flush=True)
    print(f"total: {total} examples in {time.monotonic() - started:.0f} s, {len(found)} finding(s)")
    for f in found:
        print(f"- {f}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
