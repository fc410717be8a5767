"""Students' real files read right: sheets, labels, order, missing kinds, measure levels, typos.

Every file is made in the test from a real survey shipped by statsmodels, the 1996 American
National Election Study (944 respondents; :mod:`anes`), with the labels its documentation
gives.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest
from anes import answers, documented, write_csv, write_dta, write_sav, write_xlsx

from analysis_utils import cli
from analysis_utils.core.errors import InputError
from analysis_utils.survey import checklist, convert, read, tabulate
from analysis_utils.survey.missing import frequencies


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def _codebook(conversion: convert.Conversion) -> tuple[list[dict[str, str]], ...]:
    """questions.csv without ``source`` (which names the file), options.csv, responses.csv."""
    questions = [
        {k: v for k, v in row.items() if k != "source"}
        for row in _table(conversion.files["questions.csv"])
    ]
    return (
        questions,
        _table(conversion.files["options.csv"]),
        _table(conversion.files["responses.csv"]),
    )


def _counts(conversion: convert.Conversion, folder: Path) -> list[tuple[str, str, int]]:
    convert.write(conversion, folder)
    items = tabulate.items(read.read(folder), min_cell=1)
    return [(r.question_id, r.option_code, int(r.count)) for r in items.itertuples()]


def test_every_format_of_one_survey_gives_the_same_codebook_and_counts(tmp_path):
    files = {
        "sav": write_sav(tmp_path / "anes.sav"),
        "dta": write_dta(tmp_path / "anes.dta"),
        "xlsx": write_xlsx(tmp_path / "anes.xlsx"),
        "csv": write_csv(tmp_path / "anes.csv"),
    }
    conversions = {form: convert.convert(path) for form, path in files.items()}
    first = _codebook(conversions["sav"])
    for form, conversion in conversions.items():
        assert _codebook(conversion) == first, form
    counts = {form: _counts(c, tmp_path / form) for form, c in conversions.items()}
    assert all(c == counts["sav"] for c in counts.values())
    # the counts are the shipped answers' own
    data = answers()
    pid = {code: k for q, code, k in counts["sav"] if q == "pid"}
    assert pid == {str(v): int((data["PID"] == v).sum()) for v in range(7)}
    questions, options, _ = first
    texts, labels = documented()
    assert [q["question_text"] for q in questions][:2] == [texts["PID"], texts["vote"]]
    income = [o["option_label"] for o in options if o["question_id"] == "income"]
    assert income == list(labels["income"].values())  # 24 bands in the label set's order
    kinds = {q["question_id"]: (q["choice"], q["scale"]) for q in questions}
    assert kinds["income"] == ("single", "ordinal")  # labelled bands: an ordinal scale
    assert kinds["age"] == ("numeric", "")  # 71 distinct ages: a number, not free text
    ages = data["age"]
    assert {k: v for k, v in questions[-1].items() if k in ("valid_min", "valid_max")} == {
        "valid_min": str(ages.min()),
        "valid_max": str(ages.max()),
    }


def _kinds(folder: Path) -> list[tuple[str, str, bool, int | None, int | None]]:
    """survey_items.csv's rows without codes: question, label, missing, count, valid n."""
    items = tabulate.items(read.read(folder), min_cell=1)
    return [
        (r.question_id, r.option_label, bool(r.missing), int(r.count), int(r.valid_n))
        for r in items.itertuples()
    ]


def test_every_format_gives_the_same_missing_kinds_and_counts(tmp_path):
    # the leaners declared missing in each format: SPSS user-missing codes, Stata's .a and .b,
    # missing = true in a workbook's labels sheet and in a CSV's labels file
    files = {
        "sav": write_sav(tmp_path / "anes.sav", missing={"PID": [2, 4]}),
        "dta": write_dta(tmp_path / "anes.dta", extended={"PID": {2: "a", 4: "b"}}),
        "xlsx": write_xlsx(tmp_path / "anes.xlsx", missing={"PID": [2, 4]}),
        "csv": write_csv(tmp_path / "anes.csv", missing={"PID": [2, 4]}),
    }
    conversions = {form: convert.convert(path) for form, path in files.items()}
    for form in ("xlsx", "csv"):  # the same codes: the same codebook
        assert _codebook(conversions[form]) == _codebook(conversions["sav"]), form
    kinds = {}
    for form, conversion in conversions.items():
        convert.write(conversion, tmp_path / form)
        kinds[form] = _kinds(tmp_path / form)
    assert all(k == kinds["sav"] for k in kinds.values())  # Stata's codes a, b aside
    data = answers()["PID"]
    pid = [row for row in kinds["sav"] if row[0] == "pid"]
    assert [row[1:4] for row in pid[-2:]] == [
        ("Independent-Democrat", True, int((data == 2).sum())),
        ("Independent-Republican", True, int((data == 4).sum())),
    ]
    assert {row[4] for row in pid} == {int((~data.isin([2, 4])).sum())}


# 1. the sheet


def test_a_workbook_with_a_notes_sheet_is_refused_listing_its_sheets(tmp_path, capsys):
    book = write_xlsx(tmp_path / "anes.xlsx", notes=True)
    with pytest.raises(InputError) as refused:
        convert.convert(book)
    (problem,) = refused.value.problems
    assert problem.rule == "sheet"
    assert "'notes', 'answers', 'labels'" in problem.message
    assert "--sheet NAME" in problem.message
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--from", str(book)]) == 2
    assert not folder.exists()  # nothing written
    assert "[sheet]" in capsys.readouterr().err


def test_sheet_names_the_sheet_read_and_every_line_about_the_workbook_names_it(tmp_path, capsys):
    book = write_xlsx(tmp_path / "anes.xlsx", notes=True)
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--from", str(book), "--sheet", "answers"]) == 0
    out = capsys.readouterr().out
    assert "944 respondents, 7 questions from anes.xlsx (sheet 'answers')" in out
    assert "value labels: from" in out
    assert "anes.xlsx (sheet 'labels')" in out
    about = [line for line in out.splitlines() if "anes.xlsx" in line]
    assert about
    assert all("(sheet '" in line for line in about)
    questions = _table((folder / "questions.csv").read_text(encoding="utf-8"))
    source = {r["question_id"]: r["source"] for r in questions}
    assert source["pid"] == "column PID of sheet answers of anes.xlsx"
    with pytest.raises(InputError, match="has no sheet 'Data'; its sheets are 'notes'"):
        convert.convert(book, sheet="Data")


def test_a_responses_workbook_of_several_sheets_without_one_named_responses_is_refused(tmp_path):
    folder = tmp_path / "survey"
    convert.write(convert.convert(write_csv(tmp_path / "anes.csv")), folder)
    frame = pd.read_csv(folder / "responses.csv", dtype=str)
    (folder / "responses.csv").unlink()
    with pd.ExcelWriter(folder / "responses.xlsx") as book:
        pd.DataFrame({"note": ["1996 American National Election Study"]}).to_excel(
            book, sheet_name="notes", index=False
        )
        frame.to_excel(book, sheet_name="answers", index=False)
    with pytest.raises(InputError, match="none is named 'responses'") as refused:
        read.read(folder)
    assert refused.value.problems[0].file.endswith("responses.xlsx")


# 5. missing values as SPSS and Stata mean them


def _options(conversion: convert.Conversion, question: str) -> list[tuple[str, str, str]]:
    return [
        (o["option_code"], o["option_label"], o.get("missing", ""))
        for o in _table(conversion.files["options.csv"])
        if o["question_id"] == question
    ]


def test_spss_user_missing_codes_are_their_own_labelled_categories(tmp_path):
    # the leaners (2, 4) declared missing, as an analysis of partisans only may declare them
    sav = write_sav(tmp_path / "anes.sav", missing={"PID": [2, 4]})
    conversion = convert.convert(sav)
    assert _options(conversion, "pid") == [
        ("0", "Strong Democrat", ""),
        ("1", "Weak Democrat", ""),
        ("3", "Independent-Independent", ""),
        ("5", "Weak Republican", ""),
        ("6", "Strong Republican", ""),
        ("2", "Independent-Democrat", "true"),
        ("4", "Independent-Republican", "true"),
    ]
    folder = tmp_path / "survey"
    convert.write(conversion, folder)
    survey = read.read(folder)
    table = frequencies(survey, "pid").set_index("option_code")
    data = answers()["PID"]
    assert table.loc["2", "count"] == (data == 2).sum() == 108
    assert table.loc["4", "count"] == (data == 4).sum() == 94
    assert "_no_answer" not in table.index  # nothing merged into one no-answer row
    assert table["missing"].tolist() == [False] * 5 + [True] * 2
    valid = data[~data.isin([2, 4])]
    assert table.loc["0", "valid_percent"] == pytest.approx(100 * (valid == 0).sum() / len(valid))
    assert table["valid_percent"].iloc[:5].sum() == pytest.approx(100)
    assert math.isnan(table.loc["2", "valid_percent"])
    assert table.loc["2", "percent"] == pytest.approx(100 * 108 / 944)
    # the same labels file, with the same codes marked missing, gives the same codebook
    from_csv = convert.convert(write_csv(tmp_path / "anes.csv", missing={"PID": [2, 4]}))
    assert _codebook(from_csv) == _codebook(conversion)


def test_stata_extended_missing_values_keep_their_labels_and_counts(tmp_path):
    dta = write_dta(tmp_path / "anes.dta", extended={"PID": {2: "a", 4: "b"}})
    conversion = convert.convert(dta)
    assert _options(conversion, "pid")[-2:] == [
        ("a", "Independent-Democrat", "true"),
        ("b", "Independent-Republican", "true"),
    ]
    folder = tmp_path / "survey"
    convert.write(conversion, folder)
    table = frequencies(read.read(folder), "pid").set_index("option_code")
    assert table.loc["a", "count"] == 108
    assert table.loc["b", "count"] == 94
    sav = convert.convert(write_sav(tmp_path / "anes.sav", missing={"PID": [2, 4]}))
    convert.write(sav, tmp_path / "from_sav")
    spss = frequencies(read.read(tmp_path / "from_sav"), "pid")
    assert table["valid_percent"].tolist()[:5] == spss["valid_percent"].tolist()[:5]


def test_missing_kinds_are_out_of_the_ordinal_scale(tmp_path):
    from analysis_utils.survey.analyses import ordinal_tables

    sav = write_sav(tmp_path / "anes.sav", missing={"PID": [2, 4]}, measures={"PID": "ordinal"})
    folder = tmp_path / "survey"
    convert.write(convert.convert(sav), folder)
    distributions, _ = ordinal_tables(read.read(folder), min_cell=1)
    pid = distributions[distributions["question_id"] == "pid"]
    scale = pid[pid["base"] != "missing"]
    assert list(scale["option_code"]) == ["0", "1", "3", "5", "6"]
    assert list(pid.loc[pid["base"] == "missing", "option_code"]) == ["2", "4"]  # own rows
    data = answers()["PID"]
    assert scale["share"].tolist() == pytest.approx(
        [(data == v).sum() / (~data.isin([2, 4])).sum() for v in (0, 1, 3, 5, 6)]
    )


def test_a_responses_sav_with_user_missing_codes_not_in_the_codebook_reads_them_as_blank(
    tmp_path,
):
    folder = tmp_path / "survey"
    convert.write(convert.convert(write_csv(tmp_path / "anes.csv")), folder)
    codes = pd.read_csv(folder / "responses.csv", dtype=str)
    options = pd.read_csv(folder / "options.csv", dtype=str, keep_default_na=False)
    options = options[~((options["question_id"] == "pid") & options["option_code"].isin(["2"]))]
    options.to_csv(folder / "options.csv", index=False)
    (folder / "responses.csv").unlink()
    frame = codes.astype(int)  # age too: a numeric question's column is required
    write_sav(folder / "responses.sav", frame, missing={"pid": [2]})
    survey = read.read(folder)
    assert (survey.responses["pid"] == "").sum() == 108


# 3. labels and order


def test_label_texts_with_a_labels_file_read_as_the_codes(tmp_path):
    _, labels = documented()
    frame = answers()
    as_texts = frame.assign(
        PID=frame["PID"].map(labels["PID"]), vote=frame["vote"].map(labels["vote"])
    )
    texts = convert.convert(write_csv(tmp_path / "texts.csv", as_texts))
    codes = convert.convert(write_csv(tmp_path / "codes.csv"))
    assert _codebook(texts) == _codebook(codes)
    pid = [label for _, label, _ in _options(texts, "pid")]
    assert pid == list(labels["PID"].values())  # Strong Democrat ... Strong Republican


def test_label_texts_without_labels_keep_the_order_of_first_appearance(tmp_path):
    _, labels = documented()
    frame = answers()
    column = frame["PID"].map(labels["PID"])
    conversion = convert.convert(
        write_csv(tmp_path / "texts.csv", frame.assign(PID=column), labels=False)
    )
    pid = [label for _, label, _ in _options(conversion, "pid")]
    assert pid == list(dict.fromkeys(column))
    assert pid != sorted(pid)


def test_a_labels_file_naming_an_absent_column_is_refused_naming_row_and_column(tmp_path):
    path = write_csv(tmp_path / "anes.csv")
    side = tmp_path / "anes.labels.csv"
    side.write_text(side.read_text() + "party,0,Strong Democrat,\n", encoding="utf-8")
    folder = tmp_path / "survey"
    with pytest.raises(InputError) as refused:
        convert.convert(path)
    (problem,) = refused.value.problems
    assert (problem.file, problem.column, problem.rule) == (
        str(side.relative_to(Path.cwd())) if side.is_relative_to(Path.cwd()) else str(side),
        "column",
        "unknown-column",
    )
    assert problem.row == len(side.read_text().splitlines())
    assert not folder.exists()


# 4. ordinal from the file


def test_the_spss_measure_level_ordinal_is_read_and_numbered_scales_suggested(tmp_path):
    sav = write_sav(tmp_path / "anes.sav", measures={"PID": "ordinal", "vote": "nominal"})
    conversion = convert.convert(sav)
    scale = {q["question_id"]: q["scale"] for q in _table(conversion.files["questions.csv"])}
    assert scale["pid"] == "ordinal"
    assert scale["vote"] == ""
    assert scale["educ"] == ""
    lines = checklist.summary(conversion, tmp_path / "survey")
    assert any(
        "ordinal as the file's measure level says" in line and "pid" in line for line in lines
    )
    (suggested,) = [line for line in lines if "perhaps ordinal" in line]
    assert suggested.endswith("educ, selflr, tvnews")  # income's labels are bands: ordinal
    assert scale["income"] == "ordinal"


# 6. near-duplicate answers


def test_typed_variants_of_an_answer_are_pointed_out_with_counts(tmp_path):
    _, labels = documented()
    frame = answers()
    vote = frame["vote"].map(labels["vote"])
    # as the issue saw them typed: Clintn, clinton, 'Clinton ' among the Clinton answers
    clinton = list(vote[vote == "Clinton"].index)
    vote[clinton[:3]] = "Clintn"
    vote[clinton[3:5]] = "clinton"
    vote[clinton[5:6]] = "Clinton "
    conversion = convert.convert(
        write_csv(tmp_path / "typed.csv", frame.assign(vote=vote), labels=False)
    )
    lines = checklist.summary(conversion, tmp_path / "survey")
    (found,) = [line for line in lines if "look like one" in line]
    assert "'Clinton' (545), 'Clintn' (3), 'clinton' (2)" in found
    assert "'Clinton ' (1)" in found
    assert "replace" in found
    assert "options.csv" in found
    clean = convert.convert(write_csv(tmp_path / "clean.csv", frame.assign(vote=vote.str.strip())))
    assert not [line for line in checklist.summary(clean, tmp_path) if "look like one" in line]


def test_labelled_income_bands_are_not_taken_for_typos(tmp_path):
    conversion = convert.convert(write_sav(tmp_path / "anes.sav"))
    assert not any("look like one" in line for line in checklist.summary(conversion, tmp_path))


# 9. small messages


def test_an_empty_file_given_to_from_says_what_to_give(tmp_path, capsys):
    empty = tmp_path / "answers.csv"
    empty.write_text("", encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "README" not in err
    assert "give the file of answers" in err


def test_the_checklist_points_to_the_folder_readme_not_the_source_tree(tmp_path):
    conversion = convert.convert(write_csv(tmp_path / "anes.csv"))
    text = "\n".join(checklist.summary(conversion, tmp_path / "survey"))
    assert "docs/survey-format.md" not in text
    assert str(tmp_path / "survey" / "README.md") in text


# 8. YAML 1.1 booleans


def _births(tmp_path: Path) -> Path:
    """Cattaneo's births (statsmodels ships them): whether it was the mother's first baby."""
    import statsmodels

    shipped = Path(statsmodels.__file__).parent / "treatment/tests/results/cataneo2.csv"
    frame = pd.read_csv(shipped, usecols=["fbaby", "mbsmoke"])
    path = tmp_path / "births.csv"
    frame.to_csv(path, index=False)
    return path


def _claims(tmp_path: Path, question: str, option: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n"
        "  C1:\n"
        "    claim: most answers are this one\n"
        "    evidence: survey\n"
        f"    question: {question}\n"
        f"    option: {option}\n"
        "    test: majority\n",
        encoding="utf-8",
    )
    return path


def test_an_unquoted_yes_or_no_is_the_code_where_the_codes_are_yes_and_no(tmp_path):
    from analysis_utils.audit.registry import check_codebook, load_claims

    folder = tmp_path / "survey"
    convert.write(convert.convert(_births(tmp_path)), folder)
    survey = read.read(folder)
    fbaby = survey.options[survey.options["question_id"] == "fbaby"]
    assert sorted(fbaby["option_code"]) == ["no", "yes"]
    for word in ("no", "yes"):
        (claim,) = load_claims(_claims(tmp_path, "fbaby", word))
        assert claim.option == word  # not True or False
        check_codebook([claim], survey.questions, survey.options)


def test_an_unquoted_yes_where_the_codes_are_not_says_to_quote_the_code(tmp_path):
    from analysis_utils.audit.registry import check_codebook, load_claims

    folder = tmp_path / "survey"
    convert.write(convert.convert(write_csv(tmp_path / "anes.csv")), folder)
    survey = read.read(folder)
    (claim,) = load_claims(_claims(tmp_path, "vote", "yes"))
    with pytest.raises(ValueError, match="'yes' not an option") as refused:
        check_codebook([claim], survey.questions, survey.options)
    assert "quoted where it is such a word (option: 'yes')" in str(refused.value)
    assert "True" not in str(refused.value)


def _folder_with_answers(tmp_path: Path) -> tuple[Path, list[str]]:
    folder = tmp_path / "survey"
    convert.write(convert.convert(write_csv(tmp_path / "anes.csv")), folder)
    return folder, (folder / "responses.csv").read_text(encoding="utf-8").splitlines()


def test_a_quoted_decimal_comma_code_in_a_comma_file_gets_the_decimal_comma_advice(tmp_path):
    folder, lines = _folder_with_answers(tmp_path)
    cells = lines[1].split(",")
    cells[1] = f'"{cells[1]},0"'  # the first respondent's party id as a spreadsheet may save it
    lines[1] = ",".join(cells)
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read.read(folder)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, "pid")
    assert "write the number with a decimal point" in problem.message


def test_an_unquoted_semicolon_in_a_semicolon_file_says_to_quote_the_cell(tmp_path):
    folder, lines = _folder_with_answers(tmp_path)
    questions = (folder / "questions.csv").read_text(encoding="utf-8")
    (folder / "questions.csv").write_text(
        questions.replace("vote,2,Expected vote,single", "vote,2,Expected vote,multiple"),
        encoding="utf-8",
    )
    lines = [line.replace(",", ";") for line in lines]
    cells = lines[1].split(";")
    cells[2] = "0;1"  # both codes of vote, joined by ; but not quoted
    lines[1] = ";".join(cells)
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read.read(folder)
    assert refused.value.problems
    assert all(p.row == 2 for p in refused.value.problems)
    assert all("quote the cell" in p.message for p in refused.value.problems)


# 7. changing one's mind: new-survey --from FILE --update


def test_update_keeps_the_edits_and_makes_a_column_set_single_a_question(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--from", str(source)]) == 0
    questions = (folder / "questions.csv").read_text(encoding="utf-8")
    assert "age,7,Age of respondent.,numeric,,,19,91," in questions
    # the student's edits: age as age groups (single), a clearer text, a shorter label
    questions = questions.replace(
        "age,7,Age of respondent.,numeric,,,19,91,", "age,7,Age in years,single,,,,,"
    )
    questions = questions.replace("Expected vote", "Expected vote in November")
    (folder / "questions.csv").write_text(questions, encoding="utf-8")
    options = (folder / "options.csv").read_text(encoding="utf-8")
    (folder / "options.csv").write_text(
        options.replace("pid,0,Strong Democrat", "pid,0,Strong Dem."), encoding="utf-8"
    )
    capsys.readouterr()
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--update"]) == 0
    out = capsys.readouterr().out
    assert "+++ options.csv (updated)" in out
    assert "+age,19,19," in out  # the new options, shown before they are written
    assert "responses.csv" not in out  # ages are coded as they are
    survey = read.read(folder)
    q = survey.questions.set_index("question_id")
    assert q.loc["age", "choice"] == "single"
    assert q.loc["age", "question_text"] == "Age in years"
    assert q.loc["vote", "question_text"] == "Expected vote in November"
    o = survey.options.set_index(["question_id", "option_code"])
    assert o.loc[("pid", "0"), "option_label"] == "Strong Dem."
    ages = answers()["age"]
    assert list(survey.options.loc[survey.options["question_id"] == "age", "option_code"]) == [
        str(v) for v in sorted(ages.unique())
    ]
    assert list(survey.responses["age"]) == [str(v) for v in ages]


def test_update_of_a_folder_with_nothing_to_change_writes_nothing(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    cli.main(["new-survey", str(folder), "--from", str(source)])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    capsys.readouterr()
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--update"]) == 0
    assert "nothing changes" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_update_keeps_a_renamed_code_and_codes_the_answers_with_it(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    cli.main(["new-survey", str(folder), "--from", str(source)])
    options = (folder / "options.csv").read_text(encoding="utf-8")
    edited = options.replace("vote,0,Clinton", "vote,clinton,Clinton")  # a code renamed
    (folder / "options.csv").write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--update"]) == 0
    assert "responses.csv: 551 of 945 lines change" in capsys.readouterr().out
    survey = read.read(folder)
    assert (survey.responses["vote"] == "clinton").sum() == (answers()["vote"] == 0).sum()
    assert (folder / "options.csv").read_text(encoding="utf-8") == edited


def test_update_that_would_break_the_survey_puts_everything_back(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    cli.main(["new-survey", str(folder), "--from", str(source)])
    questions = (folder / "questions.csv").read_text(encoding="utf-8")
    # an ordinal scale that is not single choice breaks a rule of the codebook
    broken = questions.replace(
        "pid,1,Party identification of respondent.,single,",
        "pid,1,Party identification of respondent.,multiple,ordinal",
    )
    broken = broken.replace(
        "age,7,Age of respondent.,numeric,,,19,91,", "age,7,Age of respondent.,single,,,,,"
    )
    assert broken.count("single") == questions.count("single")  # pid out, age in: options change
    (folder / "questions.csv").write_text(broken, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--update"]) == 2
    assert "an ordered scale takes one answer" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_sheet_and_update_without_a_workbook_or_a_file_are_refused(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--sheet", "answers"]) == 2
    assert cli.main(["new-survey", str(folder), "--update"]) == 2
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--sheet", "a"]) == 2
    err = capsys.readouterr().err
    assert "--sheet names the sheet of a workbook given with --from FILE" in err
    assert "--update refreshes a survey folder from the file given with --from" in err
    assert "anes.csv is not a workbook (.xlsx): leave --sheet out" in err
    assert not folder.exists()


def test_a_responses_dta_with_extended_missing_values_reads_them_as_their_options(tmp_path):
    dta = write_dta(tmp_path / "anes.dta", extended={"PID": {2: "a", 4: "b"}})
    folder = tmp_path / "survey"
    convert.write(convert.convert(dta), folder)
    from_csv = read.read(folder).responses
    # the same answers given as responses.dta under the question ids
    import pyreadstat

    frame, _ = pyreadstat.read_dta(str(dta), user_missing=True)
    frame.columns = [c.lower() for c in frame.columns]
    frame.insert(0, "respondent_id", [str(n) for n in range(1, len(frame) + 1)])
    pyreadstat.write_dta(
        frame.drop(columns=["age"]),
        str(folder / "responses.dta"),
        missing_user_values={"pid": ["a", "b"]},
    )
    (folder / "responses.csv").unlink()
    questions = (folder / "questions.csv").read_text(encoding="utf-8").splitlines()
    (folder / "questions.csv").write_text(
        "\n".join(q for q in questions if not q.startswith("age,")) + "\n", encoding="utf-8"
    )
    from_dta = read.read(folder).responses
    assert list(from_dta["pid"]) == list(from_csv["pid"])
    assert (from_dta["pid"] == "a").sum() == 108
