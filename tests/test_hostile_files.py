"""Hostile files of answers: small files asking for unbounded memory, crashes, look-alike ids.

Every valid file here is written from a real survey, the 1996 American National Election
Study as statsmodels ships it (``statsmodels.datasets.anes96``); each attack then changes
that file the way the attack describes. A crafted file that cannot be made from it in a few
lines is in ``tests/data/`` with a note of how it was made.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import statsmodels.api as sm

from analysis_utils import cli
from analysis_utils.audit import limits
from analysis_utils.core.errors import InputError
from analysis_utils.core.text import identity
from analysis_utils.survey import bounds, read, workbooks
from analysis_utils.survey.sources import read_table

DATA = Path(__file__).resolve().parent / "data"

#: Address space a command run by a test may use (the package's 1 GiB budget, the
#: interpreter and its libraries, and room to spare): beyond it the command fails.
TEST_ADDRESS_SPACE = 4 << 30

#: Invisible or look-alike changes to ``case007``, each giving an id a reader takes for it.
LOOK_ALIKE_IDS = {
    "zero-width space": "case007\u200b",
    "no-break space": "case007\u00a0",
    "Cyrillic letters": "\u0441\u0430se007",
    "fullwidth digits": "case\uff10\uff10\uff17",
    "combining mark": "case007\u0301",
    "soft hyphen": "case\u00ad007",
    "trailing space": "case007 ",
}


def _anes(rows: int = 12) -> pd.DataFrame:
    """The first rows of the ANES 1996 answers, with a respondent id ``case001``, ..."""
    frame = sm.datasets.anes96.load_pandas().data.head(rows)
    frame = frame[["vote", "PID", "educ", "income", "age"]].copy()
    frame.insert(0, "id", [f"case{n:03d}" for n in range(1, rows + 1)])
    return frame


def _workbook(path: Path, frame: pd.DataFrame, edit=None) -> Path:
    """Write a frame as a workbook's sheet, its sheet part changed by ``edit`` (bytes to bytes)."""
    frame.to_excel(path, index=False, sheet_name="responses", engine="openpyxl")
    if edit is None:
        return path
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in parts:
            book.writestr(info.filename, edit(data) if info.filename.endswith(".xml") else data)
    return path


def _far_cell(coordinate: str):
    """An edit of a sheet part adding one cell, holding 1, at a row at the sheet's end."""
    row = coordinate.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = f'<row r="{row}"><c r="{coordinate}" t="n"><v>1</v></c></row>'.encode()
    return lambda data: data.replace(b"</sheetData>", cell + b"</sheetData>")


def _bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line with its address space capped, as a small machine would."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({TEST_ADDRESS_SPACE}, resource.RLIM_INFINITY))\n"
        "from analysis_utils import cli\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600
    )


def _one_line(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    """A refusal: exit 2, one problem, its line holding each part; no traceback."""
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "error: 1 problem(s) in the input:"
    assert len(lines) == 2
    for part in parts:
        assert part in lines[1]


def test_the_reading_budget_is_the_package_memory_budget():
    assert bounds.MEMORY_BUDGET == limits.MEMORY_BUDGET
    assert bounds.MAX_CELLS * bounds.BYTES_PER_CELL <= bounds.MEMORY_BUDGET


# Point 4: small workbooks asking for unbounded memory.


def test_a_sheet_dimension_claiming_the_last_cell_is_ignored(tmp_path):
    def claim(data: bytes) -> bytes:
        start = data.find(b"<dimension ")
        if start < 0:
            return data
        end = data.index(b">", start) + 1
        return data[:start] + b'<dimension ref="A1:XFD1048576"/>' + data[end:]

    path = _workbook(tmp_path / "far.xlsx", _anes(), claim)
    assert path.stat().st_size < 8000
    table = workbooks.read_excel(path, "far.xlsx")  # in this process: it allocates 13 rows
    assert table.header == ["id", "vote", "PID", "educ", "income", "age"]
    assert len(table.rows) == 12
    assert table.rows[0][0] == "case001"


@pytest.mark.heavy
def test_a_far_cell_is_refused_within_the_budget_in_one_line(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", _anes(), _far_cell("XFD1048576"))
    assert path.stat().st_size < 8000
    done = _bounded("new-survey", str(tmp_path / "s"), "--from", str(path))
    _one_line(done, "far.xlsx (sheet 'responses')", "[too-large]", f"{bounds.MAX_CELLS:,} cells")
    assert not (tmp_path / "s").exists()


@pytest.mark.heavy
def test_a_far_cell_within_the_budget_is_refused_in_a_few_lines(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", _anes(), _far_cell("B1048576"))
    with pytest.raises(InputError) as caught:
        workbooks.read_excel(path, "far.xlsx")
    problems = caught.value.problems
    assert [p.row for p in problems] == list(range(14, 24))
    assert {p.rule for p in problems} == {"blank-row"}
    assert problems[-1].message.endswith("; 1,048,552 more blank rows follow")


@pytest.mark.heavy
def test_a_part_inflating_beyond_the_budget_is_refused_before_it_is_inflated(tmp_path):
    path = _workbook(tmp_path / "bomb.xlsx", _anes())
    size = bounds.MAX_WORKBOOK_BYTES + (16 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book,
        book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part,
    ):
        part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        part.write(b"<si><t>")
        chunk = b"a" * (1 << 20)
        for _ in range(size >> 20):
            part.write(chunk)
        part.write(b"</t></si></sst>")
    assert path.stat().st_size < 1 << 20
    done = _bounded("new-survey", str(tmp_path / "s"), "--from", str(path))
    _one_line(done, "bomb.xlsx", "[too-large]", "xl/sharedStrings.xml", "1 GiB")
    assert not (tmp_path / "s").exists()


def test_a_cell_longer_than_excel_allows_is_refused_naming_it(tmp_path):
    frame = _anes()
    frame["note"] = ""
    frame.loc[3, "note"] = "LONG"  # a workbook writer stops at Excel's limit: made longer after
    long = b"x" * (bounds.MAX_CELL_CHARACTERS + 1)
    path = _workbook(tmp_path / "long.xlsx", frame, lambda data: data.replace(b"LONG", long))
    with pytest.raises(InputError) as caught:
        workbooks.read_excel(path, "long.xlsx")
    (problem,) = caught.value.problems
    assert (problem.column, problem.rule) == ("G5", "too-large")
    assert "32,767 a cell may hold" in problem.message


@pytest.mark.heavy
def test_a_workbook_read_in_its_own_process_gives_the_same_table(tmp_path):
    path = _workbook(tmp_path / "anes.xlsx", _anes(40))
    assert read_table(path, "anes.xlsx") == workbooks.read_excel(path, "anes.xlsx")
    sav = tmp_path / "anes.sav"
    pyreadstat.write_sav(_anes(40), sav, column_labels={"vote": "Vote for president"})
    assert read_table(sav, "anes.sav") == workbooks.read_statistics(sav, "anes.sav")


# Point 5: crashes instead of refusals.


def _reader_child(timeout: float = 120.0) -> int | None:
    """The process id of this process's child running the isolated reader, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text(encoding="ascii", errors="replace")
                fields = text.rsplit(")", 1)[1].split()
                command = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and b"analysis_utils.survey.isolate" in command:
                return int(stat.parent.name)
        time.sleep(0.05)
    return None


@pytest.mark.heavy
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the reader in /proc")
def test_a_reader_dying_by_a_signal_is_one_refusal_naming_the_file(tmp_path):
    # the reader is stopped by a real SIGSEGV while it waits on the file (a FIFO), as a damaged
    # file's reader dies; reading in this process, the test itself would die
    fifo = tmp_path / "answers.sav"
    os.mkfifo(fifo)
    caught: list[InputError] = []

    def read_it() -> None:
        try:
            read_table(fifo, "answers.sav")
        except InputError as exc:
            caught.append(exc)

    reading = threading.Thread(target=read_it, daemon=True)
    reading.start()
    child = _reader_child()
    if child is None:  # read in this process: let it end, and fail
        with fifo.open("wb"):
            pass
        reading.join(timeout=60)
        pytest.fail("the file was not read in a process of its own")
    os.kill(child, signal.SIGSEGV)
    reading.join(timeout=120)
    (problem,) = caught[0].problems
    assert (problem.file, problem.row, problem.column) == ("answers.sav", None, "(whole file)")
    assert problem.rule == "unreadable-file"
    assert "damaged or not an SPSS file (it stopped the reader: SIGSEGV)" in problem.message
    assert "open it and save it again in SPSS or PSPP" in problem.message


def test_a_csv_header_longer_than_the_csv_module_reads_is_refused_in_one_line(
    tmp_path, capsys, request
):
    # the csv module's own limit, as a fresh process has it (Frictionless, once imported, raises it)
    before = csv.field_size_limit(131_072)
    request.addfinalizer(lambda: csv.field_size_limit(before))
    frame = _anes()
    frame.columns = [*frame.columns[:-1], "age" + "e" * 140_000]
    source = tmp_path / "long.csv"
    frame.to_csv(source, index=False)
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert (
        f"{source}: row 1, column (header): [csv-error] a cell holds more than 131,072"
        in (lines[1])
    )
    assert not (tmp_path / "s").exists()


# Point 6: a respondent counted twice under an id a reader cannot tell apart.


@pytest.mark.parametrize("kind", LOOK_ALIKE_IDS)
def test_an_id_a_reader_cannot_tell_apart_is_refused_naming_both_rows(tmp_path, capsys, kind):
    frame = _anes()
    again = frame.iloc[[6]].assign(id=LOOK_ALIKE_IDS[kind])
    source = tmp_path / "answers.csv"
    pd.concat([frame, again]).to_csv(source, index=False)
    assert identity(LOOK_ALIKE_IDS[kind]) == "case007"
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: row 14, column id: [respondent id] '" in err
    assert "is also the id of row 8 ('case007'): they differ only in invisible characters" in err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("kind", LOOK_ALIKE_IDS)
def test_a_survey_folder_with_a_look_alike_id_is_refused(tmp_path, capsys, kind):
    source = tmp_path / "answers.csv"
    _anes().to_csv(source, index=False)
    folder = tmp_path / "s"
    assert cli.main(["new-survey", str(folder), "--from", str(source)]) == 0
    responses = folder / "responses.csv"
    lines = responses.read_text(encoding="utf-8").splitlines()
    repeated = lines[7].replace("case007", LOOK_ALIKE_IDS[kind], 1)
    responses.write_text("\n".join([*lines, repeated]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read.read(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.rule) == (14, "respondent_id", "respondent id")
    assert "is also the id of row 8 ('case007')" in problem.message


@pytest.mark.parametrize(
    ("one", "other"),
    [("r001", "R001"), ("r001", "r 001"), ("\u0430\u0431\u0432", "\u0430\u0431\u0433")],
)
def test_ids_a_reader_tells_apart_stay_apart(one, other):
    assert identity(one) != identity(other)
