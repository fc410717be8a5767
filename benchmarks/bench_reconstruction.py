"""Speed of counting and enumerating reconstructions (run on demand, never in the tests).

Usage: ``python benchmarks/bench_reconstruction.py``. Prints a Markdown table:

- ``count`` for n = 10,000 respondents and 20 options, none reported (the
  answer has 59 digits; counting never enumerates);
- ``count`` for the article's Fig. 1 question (44 % reported) at n = 10,000;
- enumeration throughput (vectors per second, one core) for 5 options at
  n = 60 (635,376 vectors) and for 4 options at n = 200 (1,373,701 vectors);
- ``grim`` calls per second.
"""

from __future__ import annotations

import platform

from timing import best

from analysis_utils.audit import granularity, reconstruction


def _enumerate(percents: list[str | None], n: int) -> int:
    return sum(len(chunk) for chunk in reconstruction.enumerate_vectors(percents, n))


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}; best of 5 runs\n")
    print("| measurement | result |\n|---|---|")
    seconds = best(lambda: reconstruction.count([None] * 20, 10_000))
    digits = len(str(reconstruction.count([None] * 20, 10_000)))
    print(f"| count, n = 10,000, 20 options ({digits}-digit answer) | {seconds * 1e3:.1f} ms |")
    seconds = best(lambda: reconstruction.count([None, None, "44", None], 10_000))
    print(f"| count, n = 10,000, Fig. 1 (44 % reported) | {seconds * 1e3:.1f} ms |")
    for percents, n in (([None] * 5, 60), ([None] * 4, 200)):
        rows = _enumerate(percents, n)
        seconds = best(lambda p=percents, m=n: _enumerate(p, m))
        print(
            f"| enumerate, {len(percents)} options, n = {n} ({rows:,} vectors) "
            f"| {rows / seconds / 1e6:.1f} million vectors/s |"
        )
    calls = [("67", n) for n in range(1, 2001)]
    seconds = best(lambda: [granularity.grim(x, n, percent=True) for x, n in calls])
    print(f"| grim, percentages | {len(calls) / seconds:,.0f} calls/s |")


if __name__ == "__main__":
    main()
