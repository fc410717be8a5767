"""The reproduction report's rows against the TIP reports: reasons computed, one pooled interval."""

import re

import pandas as pd

from analysis_utils.study import external_checks


def test_the_funding_reason_is_computed_from_the_figures_not_written_in():
    per_victim = pd.DataFrame(
        {"year": [2015, 2016, 2017], "funding_azn": [109000.0, 154000.0, 500000.0]}
    )
    reason = external_checks.funding_reason(per_victim, 400000.0)
    assert "(below it in 2 of 3 year(s))" in reason
    assert "not comparable with the article's AZN 400,000 a year" in reason
    assert "covers" not in reason
    assert "cover the stated" not in reason
    assert "below it in 0 of 3" in external_checks.funding_reason(per_victim, 100000.0)


def test_the_pooled_share_row_gives_the_interval_of_the_verdict(built):
    """One interval method for pooled years: the table row and the H2 verdict agree."""
    report = pd.read_csv(built.root / "reports" / "reproduction_report.csv").set_index("id")
    verdicts = pd.read_csv(built.root / "reports" / "tables" / "external_verdicts.csv")
    h2 = verdicts.set_index("id").loc["H2", "our_evidence"]
    row = report.loc["ext_sexual_exploitation_share", "recomputed"]
    interval = re.compile(r"(\d+\.\d)%-(\d+\.\d)%")
    in_row = interval.search(row.split("overdispersion", 1)[1])
    in_verdict = interval.search(h2.split("interval allowing for overdispersion", 1)[1])
    assert in_row is not None
    assert in_verdict is not None
    assert in_row.groups() == in_verdict.groups()
    assert "Clopper-Pearson" not in row
