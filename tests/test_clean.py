from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_utils.core import io, paths
from analysis_utils.core import printed as core_printed
from analysis_utils.core.errors import InputError
from analysis_utils.study import clean

F = core_printed.REPLACEMENT_CHAR


@pytest.mark.parametrize(
    ("extracted", "repaired"),
    [
        (f"(in{F}%)", "(in %)"),
        (f"highly{F}educated", "highly-educated"),
        (f"prevent re{F}victimization? (in{F}%)", "prevent re-victimization? (in %)"),
        (f"one{F}time allowances", "one-time allowances"),
        (f"жен{F}щинами", "жен-щинами"),
        (f"2009{F}2013", "20092013"),
        ("no artefact", "no artefact"),
        (f"social reha{F}\nbilitation assistance", "social rehabilitation assistance"),
        ("two\nlines", "two lines"),
    ],
)
def test_repair_text(extracted, repaired):
    assert core_printed.repair_text(extracted) == repaired


@given(st.text(alphabet=st.characters(blacklist_characters="\r\n")))
def test_repair_text_leaves_no_artefact_and_keeps_clean_text(text):
    assert F not in core_printed.repair_text(text)
    assert core_printed.repair_text(text.replace(F, "")) == text.replace(F, "")


@given(st.text())
def test_repair_text_leaves_no_artefact_or_line_break(text):
    repaired = core_printed.repair_text(text)
    assert F not in repaired
    assert "\n" not in repaired


@pytest.mark.parametrize(
    ("printed", "scale", "readings", "decimals"),
    [
        ("44", "", ("44",), 0),
        ("44.0", "", ("44.0",), 1),
        ("52,000", "", ("52000",), 0),
        ("87 000", "", ("87000",), 0),
        ("20.9", "million", ("20900000",), 1),
        ("400", "thousand", ("400000",), 0),
        ("30.400", "", ("30.4", "30400"), 3),
        ("two fold", "", ("2",), 0),
        ("one", "", ("1",), 0),
        ("2014", "", ("2014",), 0),
        # the article names the two activities ranked above trafficking instead of a rank
        (
            "Behind only drug trafficking and the sale of counterfeit or pirated goods",
            "",
            ("3",),
            0,
        ),
    ],
)
def test_parse_printed_number(printed, scale, readings, decimals):
    parsed = core_printed.parse_printed_number(printed, scale, phrases=clean.RANK_PHRASES)
    assert parsed.readings == tuple(Decimal(r) for r in readings)
    assert parsed.decimals == decimals
    assert parsed.ambiguous == (len(readings) > 1)


@pytest.mark.parametrize(
    ("printed", "scale"),
    [("abc", ""), ("1,00", ""), ("", ""), ("5", "lakh"), ("Behind only drug trafficking", "")],
)
def test_parse_printed_number_refuses_what_the_article_does_not_print(printed, scale):
    with pytest.raises(ValueError, match=r"number|scale"):
        core_printed.parse_printed_number(printed, scale, phrases=clean.RANK_PHRASES)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", " "]))
def test_grouped_integers_read_back(number, separator):
    printed = f"{number:,}".replace(",", separator)
    assert core_printed.parse_printed_number(printed).readings == (Decimal(number),)


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_decimals_count_the_printed_digits(value):
    printed = f"{value:.2f}"
    parsed = core_printed.parse_printed_number(printed)
    assert parsed.decimals == 2
    assert Decimal(printed) in parsed.readings


@pytest.fixture(scope="module")
def raw_tables():
    raw = paths.layout().raw
    return (
        io.read_raw_csv(raw / "article_numbers.csv"),
        io.read_raw_csv(raw / "survey" / "questions.csv"),
        io.read_raw_csv(raw / "survey" / "options.csv"),
    )


def test_article_numbers_are_tidy(raw_tables):
    numbers, checks = clean.tidy_article_numbers(raw_tables[0], file="article_numbers.csv")
    assert len(numbers) == len(raw_tables[0])
    assert numbers["id"].is_unique
    assert numbers["id"].is_monotonic_increasing
    assert set(numbers["status"]) == {"reported"}
    assert not clean.remaining_artefacts({"n": numbers})
    row = numbers.set_index("id").loc["ilo_2012_victims_forced_labour_trafficking_slavery"]
    assert (row["value"], row["decimals"], row["value_as_printed"]) == (20900000, 1, "20.9")
    assert checks.loc[checks["result"] != "agrees", "id"].tolist() == ["assistance_center_expenses"]


TRANSCRIBED = {
    # id: (value_as_printed, value, unit, kind, section, text_line, period, reference)
    "un_rank_criminal_activity": (
        "second",
        2,
        "rank",
        "global_estimate",
        "Introduction",
        58,
        "",
        "",
    ),
    "un_rank_profitable_organized_crime": (
        "Behind only drug trafficking and the sale of counterfeit or pirated goods",
        3,
        "rank",
        "global_estimate",
        "Results: financial resources allocated to the elimination of trafficking",
        407,
        "",
        "[6]",
    ),
    "nap_next_period_start": (
        "2014",
        2014,
        "year",
        "plan_period",
        "Conclusion",
        555,
        "2014-2018",
        "",
    ),
    "nap_next_period_end": (
        "2018",
        2018,
        "year",
        "plan_period",
        "Conclusion",
        555,
        "2014-2018",
        "",
    ),
}


def test_every_number_of_the_article_has_a_row(raw_tables):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="article_numbers.csv")
    assert len(numbers) == 46
    assert numbers["kind"].value_counts()["plan_period"] == 2


@pytest.mark.parametrize("number_id", sorted(TRANSCRIBED))
def test_ranks_and_the_next_action_plan_are_transcribed(raw_tables, number_id):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="article_numbers.csv")
    row = numbers.set_index("id").loc[number_id]
    printed, value, unit, kind, section, line, period, reference = TRANSCRIBED[number_id]
    assert (row["value_as_printed"], row["value"], row["decimals"]) == (printed, value, 0)
    assert (row["unit"], row["kind"], row["section"], row["text_line"]) == (
        unit,
        kind,
        section,
        line,
    )
    assert (row["period"], row["reference"]) == (period, reference)
    assert printed in row["context"]


def test_the_two_ranks_note_their_contradiction(raw_tables):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="article_numbers.csv")
    note = numbers.set_index("id")["note"]
    assert "contradicted by un_rank_profitable_organized_crime" in note["un_rank_criminal_activity"]
    assert "contradicts un_rank_criminal_activity" in note["un_rank_profitable_organized_crime"]
    context = numbers.set_index("id")["context"]
    assert context["nap_next_period_start"] == (
        "the next National Action Plan which will cover the period of 2014\u20142018"
    )


def test_the_ilo_estimate_is_called_recent_not_earlier(raw_tables):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="article_numbers.csv")
    note = numbers.set_index("id").loc["ilo_victims_forced_labour", "note"]
    assert "'ILO recently estimated', line 75" in note
    assert "earlier" not in note


PROVED = (
    "The experts proved the hypotheses developed in this article that there is a need for "
    "improvement of cooperation among relevant organizations in order to increase efficiency "
    "of rehabilitation process of victims."
)


def test_the_verdict_is_the_whole_proved_sentence():
    raw = io.read_raw_csv(paths.layout().raw / "article_claims.csv")
    claims = clean.article_claims(raw).set_index("id")
    hypotheses = claims[claims["kind"] == "hypothesis"]
    assert list(hypotheses.index) == ["H1", "H2", "H3"]
    assert (hypotheses["verdict_context"] == PROVED).all()
    assert (hypotheses["verdict_text_line"] == 539).all()
    assert (hypotheses["article_verdict"] == "proved").all()


def test_a_value_that_is_not_a_reading_is_refused(raw_tables):
    broken = raw_tables[0].copy()
    broken.loc[3, "value"] = "999"
    with pytest.raises(InputError) as caught:
        clean.tidy_article_numbers(broken, file="article_numbers.csv")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (5, "value")


def test_survey_percentages_agree_with_the_numbers_they_cite(raw_tables):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="n.csv")
    clean.check_survey_citations(raw_tables[2], numbers, file="o.csv")


@pytest.mark.parametrize(
    ("row", "column", "value", "rule_column"),
    [
        (0, "reported_percent", "67.0", "reported_percent"),  # print differs from the cited one
        (0, "number_id", "", "number_id"),  # a percentage citing nothing
        (0, "number_id", "no_such_number", "number_id"),
        (3, "number_id", "survey_male_pct", "number_id"),  # a citation without a percentage
    ],
)
def test_survey_citation_errors_name_row_and_column(raw_tables, row, column, value, rule_column):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="n.csv")
    options = raw_tables[2].copy()
    options.loc[row, column] = value
    with pytest.raises(InputError) as caught:
        clean.check_survey_citations(options, numbers, file="o.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("o.csv", row + 2, rule_column)


def test_case_statistics_and_funding(raw_tables):
    numbers, _ = clean.tidy_article_numbers(raw_tables[0], file="n.csv")
    cases = clean.case_statistics(numbers).set_index("indicator")
    assert cases.loc["cases_revealed", "value"] == 484
    assert cases.loc["cases_forced_labour", "value"] == 10
    assert (cases["period_start"] == 2006).all()
    assert (cases["period_end"] == 2012).all()
    funding = clean.funding_2010(numbers)
    assert len(funding) == 9
    by = funding.groupby(["currency", "donor_type"])["amount"].sum().to_dict()
    assert by == {
        ("AZN", "domestic"): 52000 + 46500,
        ("AZN", "international"): 87000 + 90000 + 55000 + 100000,
        ("USD", "international"): 125000 + 120000 + 20000,
    }


def test_unclassified_funding_is_refused():
    numbers = pd.DataFrame(
        {
            "id": ["funding_2010_new"],
            "kind": ["funding"],
            "period": ["2010"],
            "value": [1],
            "currency": ["AZN"],
            "value_as_printed": ["1"],
        }
    )
    with pytest.raises(KeyError, match="FUNDING_SOURCES"):
        clean.funding_2010(numbers)


def test_external_tables_are_typed_and_sorted():
    raw = paths.layout().raw / "external"
    tip = clean.tip_reports(io.read_raw_csv(raw / "tip_azerbaijan.csv"))
    assert tip["report_edition"].dtype.kind == "i"
    assert tip["value"].dtype.kind == "f"
    keys = ["indicator", "unit", "reference_year", "report_edition", "stated_as"]
    assert tip[keys].equals(tip[keys].sort_values(keys).reset_index(drop=True))
    assert len(tip) == len(io.read_raw_csv(raw / "tip_azerbaijan.csv"))
    rates = clean.exchange_rates(io.read_raw_csv(raw / "exchange_rates.csv"))
    assert rates["azn_per_usd"].dtype.kind == "f"
    assert rates["period_start"].is_monotonic_increasing
