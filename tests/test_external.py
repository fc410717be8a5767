import pandas as pd
import pytest

from analysis_utils.core import io, paths
from analysis_utils.study import schemas
from analysis_utils.study import tip as study_tip


def _tip(rows):
    columns = [
        "report_edition",
        "reference_year",
        "indicator",
        "value",
        "unit",
        "stated_as",
        "source_url",
    ]
    return pd.DataFrame([dict(zip(columns, r, strict=True)) for r in rows])


CONSISTENT = [
    (2017, 2016, "victims_identified_total", 70, "persons", "current", "u17"),
    (2017, 2016, "victims_female_sex_trafficking", 69, "persons", "current", "u17"),
    (2017, 2016, "victims_male_forced_labour", 1, "persons", "current", "u17"),
    (2018, 2017, "victims_identified_total", 71, "persons", "current", "u18"),
    (2018, 2016, "victims_identified_total", 70, "persons", "prior_year_in_brackets", "u18"),
    (2017, 2016, "funding_victim_protection", 154000, "AZN", "current", "u17"),
    (2017, 2016, "funding_victim_protection", 83696, "USD", "current", "u17"),
    (2018, 2016, "funding_victim_protection", 154000, "AZN", "prior_year_in_brackets", "u18"),
    (2018, 2016, "funding_victim_protection", 90060, "USD", "prior_year_in_brackets", "u18"),
]


def test_by_year_prefers_the_editions_own_figure():
    tip = _tip(
        [*CONSISTENT, (2019, 2018, "victims_child", 1, "persons", "prior_year_in_brackets", "u19")]
    )
    rows = study_tip.by_year(tip).set_index(["reference_year", "indicator", "unit"])
    assert rows.loc[(2016, "victims_identified_total", "persons"), "report_edition"] == 2017
    assert rows.loc[(2018, "victims_child", "persons"), "stated_as"] == "prior_year_in_brackets"
    wide = study_tip.wide(tip)
    assert wide.loc[2016, "victims_identified_total"] == 70
    assert pd.isna(wide.loc[2017, "victims_female_sex_trafficking"])


def test_edition_checks_report_agreement_and_difference():
    checks = study_tip.edition_checks(_tip(CONSISTENT))
    by = {(r.indicator, r.unit): r.result for r in checks.itertuples(index=False)}
    assert by[("victims_identified_total", "persons")] == "agrees"
    assert by[("funding_victim_protection", "AZN")] == "agrees"
    assert by[("funding_victim_protection", "USD")] == "differs"


def test_a_deliberately_inconsistent_fixture_is_reported_not_fixed():
    rows = [list(r) for r in CONSISTENT]
    rows[4][3] = 75  # the 2018 edition quotes 75 for 2016; the 2017 edition said 70
    rows[1][3] = 60  # 60 + 1 != 70
    tip = _tip([tuple(r) for r in rows])
    checks = study_tip.edition_checks(tip)
    (bad,) = checks[(checks["indicator"] == "victims_identified_total")].itertuples(index=False)
    assert (bad.result, bad.later_value, bad.earlier_value) == ("differs", 75, 70)
    subtotals = study_tip.subtotal_checks(tip, "by form")
    assert subtotals[["parts_sum", "total", "result"]].values.tolist() == [[61.0, 70.0, "differs"]]
    assert study_tip.wide(tip).loc[2016, "victims_identified_total"] == 70  # nothing was fixed


def test_subtotals_need_the_required_parts():
    tip = _tip(
        [
            (2017, 2016, "victims_identified_total", 70, "persons", "current", "u"),
            (2017, 2016, "victims_child", 0, "persons", "current", "u"),
        ]
    )
    assert study_tip.subtotal_checks(tip, "by sex").empty


def test_implied_rates():
    rates = study_tip.implied_rates(_tip(CONSISTENT))
    assert rates["azn_per_usd"].round(4).tolist() == [
        round(154000 / 83696, 4),
        round(154000 / 90060, 4),
    ]


def test_the_committed_tip_table_matches_its_dictionary():
    tip = io.read_table(paths.layout().processed / "tip_azerbaijan.csv", schemas.TIP_REPORTS)
    checks = study_tip.edition_checks(tip)
    differs = checks[checks["result"] == "differs"]
    # tip_azerbaijan.md: the only disagreement is the dollar figure for 2016 funding
    assert differs[["indicator", "unit", "reference_year"]].values.tolist() == [
        ["funding_victim_protection", "USD", 2016]
    ]
    subtotals = pd.concat([study_tip.subtotal_checks(tip, p) for p in study_tip.PARTITIONS])
    assert (subtotals["result"] == "agrees").all()
    assert len(subtotals) == 12
    implied = study_tip.implied_rates(tip).groupby("report_edition")["azn_per_usd"].median()
    assert implied.round(2).to_dict() == {2017: 1.84, 2018: 1.71}
    with pytest.raises(KeyError):
        study_tip.subtotal_checks(tip, "by colour")
