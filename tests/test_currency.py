import pandas as pd
import pytest

from analysis_utils.core import io, paths
from analysis_utils.study import currency

RATES = pd.DataFrame(
    {
        "period_start": ["2010-10-04", "2010-11-29", "2016-01-01"],
        "period_end": ["2010-10-08", "2010-12-03", "2016-12-31"],
        "kind": [
            "cba_official_weekly_average",
            "cba_official_weekly_average",
            "cba_official_annual_average",
        ],
        "azn_per_usd": [0.80224, 0.8001, 1.5965],
        "source_url": ["u1", "u2", "u3"],
    }
)


def test_a_year_without_annual_average_is_derived_from_weekly_rates():
    rate = currency.rate_for_year(RATES, 2010)
    assert rate.azn_per_usd == pytest.approx((0.80224 + 0.8001) / 2)
    assert (rate.low, rate.high, rate.observations) == (0.8001, 0.80224, 2)
    assert rate.method.startswith("derived")
    assert rate.sources == ("u1", "u2")
    assert "range 0.8001-0.8022" in rate.describe()


def test_an_annual_average_is_used_as_reported():
    rate = currency.rate_for_year(RATES, 2016)
    assert (rate.azn_per_usd, rate.low, rate.high) == (1.5965, 1.5965, 1.5965)
    assert rate.method == "official annual average"


def test_a_missing_year_is_an_error():
    with pytest.raises(LookupError, match="2011"):
        currency.rate_for_year(RATES, 2011)


def test_the_committed_2010_rate():
    rates = io.read_raw_csv(paths.layout().raw / "external" / "exchange_rates.csv")
    rate = currency.rate_for_year(rates, 2010)
    assert rate.observations == 4
    assert rate.azn_per_usd == pytest.approx((0.80224 + 0.80276 + 0.8001 + 0.79926) / 4)


def test_conversion():
    assert currency.to_azn(100, "AZN", 2.0) == 100
    assert currency.to_azn(100, "USD", 0.8) == pytest.approx(80)
    with pytest.raises(ValueError, match="EUR"):
        currency.to_azn(1, "EUR", 1.0)
    funding = pd.DataFrame({"amount": [52000, 125000], "currency": ["AZN", "USD"]})
    rate = currency.rate_for_year(RATES, 2010)
    out = currency.funding_in_azn(funding, rate)
    assert out["azn"].tolist() == pytest.approx([52000, 125000 * rate.azn_per_usd])
    assert out["azn_low"].tolist() == pytest.approx([52000, 125000 * 0.8001])
    assert out["conversion"].tolist() == ["reported", "derived"]


def test_choose_an_end_of_the_range():
    rate = currency.rate_for_year(RATES, 2010)
    assert rate.choose("low").azn_per_usd == 0.8001
    assert rate.choose("high").azn_per_usd == 0.80224
    assert rate.choose("mean") == rate
    assert "low end" in rate.choose("low").method
    with pytest.raises(ValueError, match="rate choice"):
        rate.choose("median")


def test_only_official_annual_averages_count_as_a_year_s_rate():
    assert currency.annual_average_rates(RATES) == {2016: 1.5965}
    twice = pd.concat([RATES, RATES.tail(1).assign(azn_per_usd=1.6)], ignore_index=True)
    with pytest.raises(ValueError, match="2016"):
        currency.annual_average_rates(twice)


def test_per_victim_funding_in_dollars_of_each_year():
    table = pd.DataFrame(
        {
            "year": [2015, 2016, 2017],
            "funding_azn": [109000.0, 154000.0, 150530.0],
            "victims": [63.0, 70.0, 71.0],
            "azn_per_victim": [109000 / 63, 2200.0, 150530 / 71],
        }
    )
    out = currency.usd_at_annual_average(table, RATES)
    # 2016 by hand: 154,000 AZN / 1.5965 AZN per USD = 96,461.0 USD; / 70 = 1,378.0 USD
    assert out.loc[1, "azn_per_usd"] == 1.5965
    assert out.loc[1, "funding_usd"] == pytest.approx(96461.008, abs=1e-3)
    assert out.loc[1, "usd_per_victim"] == pytest.approx(1378.014, abs=1e-3)
    # 2015 and 2017 have no official annual average: not converted (no weekly rate, no neighbour)
    assert out.loc[[0, 2], ["azn_per_usd", "funding_usd", "usd_per_victim"]].isna().all().all()
    assert out[list(table.columns)].equals(table)


def test_the_committed_annual_averages():
    rates = io.read_raw_csv(paths.layout().raw / "external" / "exchange_rates.csv")
    assert currency.annual_average_rates(rates) == {2016: 1.5965}


def test_donor_totals_by_hand():
    in_azn = pd.DataFrame(
        {
            "donor_type": ["domestic", "international", "international"],
            "azn": [100.0, 50.0, 50.0],
            "azn_low": [100.0, 40.0, 40.0],
            "azn_high": [100.0, 60.0, 60.0],
        }
    )
    totals, share = currency.donor_totals(in_azn)
    assert totals.loc["international", "azn"] == 100.0
    assert share["azn"] == pytest.approx(0.5)
    assert share["azn_low"] == pytest.approx(80 / 180)
    assert share["azn_high"] == pytest.approx(120 / 220)
    _, none = currency.donor_totals(in_azn.iloc[:1])
    assert none.tolist() == [0.0, 0.0, 0.0]
