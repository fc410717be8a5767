"""Speed of the survey analyses' tables, 1,000 and 100,000 respondents (on demand, not in tests).

Usage: ``python benchmarks/survey_tables.py``. The respondents are rows of the 1996 American
National Election Study that statsmodels ships (944 respondents), drawn with replacement with
a fixed seed: every answer is a real one, none made up. Prints a Markdown table of the best of
3 runs of

- ``frequency_table`` of the 24 income bands, unweighted and weighted (seeded weights);
- ``crosstable`` of education by vote (Pearson chi-square) and of income by party
  identification (24 x 7, small expected counts: the Monte Carlo Fisher test, 999 tables);
- ``describe`` of age, weighted.
"""

from __future__ import annotations

import platform

import numpy as np
from statsmodels.datasets import anes96
from timing import best

from analysis_utils.survey import crosstables, descriptives, frequencies


def main() -> None:
    data = anes96.load_pandas().data.astype(int)
    print(f"Python {platform.python_version()}, {platform.machine()}; best of 3 runs\n")
    print(
        "| respondents | frequencies | weighted frequencies | crosstab 7 x 2 "
        "| crosstab 24 x 7 (Monte Carlo) | weighted describe |\n|---|---|---|---|---|---|"
    )
    for respondents in (1_000, 100_000):
        rng = np.random.default_rng(1996)
        rows = data.iloc[rng.integers(0, len(data), respondents)].reset_index(drop=True)
        weights = rng.uniform(0.3, 3.0, respondents)
        timings = [
            best(lambda rows=rows: frequencies.frequency_table(rows["income"]), 3),
            best(
                lambda rows=rows, w=weights: frequencies.frequency_table(rows["income"], weights=w),
                3,
            ),
            best(lambda rows=rows: crosstables.crosstable(rows["educ"], rows["vote"]), 3),
            best(
                lambda rows=rows: crosstables.crosstable(
                    rows["income"], rows["PID"], test="monte-carlo", resamples=999
                ),
                3,
            ),
            best(lambda rows=rows, w=weights: descriptives.describe(rows["age"], weights=w), 3),
        ]
        print(f"| {respondents:,} | " + " | ".join(f"{t * 1000:.1f} ms" for t in timings) + " |")


if __name__ == "__main__":
    main()
