"""A small codebook and a CSV writer shared by the survey tests.

The codebook is made up for the tests (a fixture, not data of any study).
"""

import csv
import struct
from pathlib import Path

QUESTIONS = [
    ["question_id", "position", "question_text", "choice", "identifying"],
    ["role", "1", "Your role", "single", ""],
    ["help", "2", "Kinds of help given", "multiple", ""],
    ["organisation", "3", "Your organisation", "text", "true"],
    ["remarks", "4", "Anything else", "text", "false"],
]
OPTIONS = [
    ["question_id", "option_code", "option_label"],
    ["role", "ngo", "NGO staff"],
    ["role", "gov", "Government official"],
    ["role", "other", "Other"],
    ["help", "shelter", "Shelter"],
    ["help", "legal", "Legal aid"],
]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as a UTF-8 CSV file with ``\\n`` line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _records_end(data: bytes) -> int:
    """Offset of an SPSS system file's dictionary termination record (type 999).

    Walks the records after the 176-byte header as the system file format lays them out
    (variables 2, value labels 3 and 4, documents 6, extensions 7).
    """
    pos = 176
    while True:
        (kind,) = struct.unpack_from("<i", data, pos)
        if kind == 2:
            _, _, has_label, n_missing = struct.unpack_from("<iiii", data, pos)
            pos += 32
            if has_label:
                (length,) = struct.unpack_from("<i", data, pos)
                pos += 4 + (length + 3) // 4 * 4
            pos += abs(n_missing) * 8
        elif kind == 3:
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8
            for _ in range(count):
                pos += 8 + (1 + data[pos + 8] + 7) // 8 * 8
            (_, variables) = struct.unpack_from("<ii", data, pos)
            pos += 8 + 4 * variables
        elif kind == 6:
            (lines,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8 + 80 * lines
        elif kind == 7:
            _, _, size, count = struct.unpack_from("<iiii", data, pos)
            pos += 16 + size * count
        elif kind == 999:
            return pos
        else:
            raise ValueError(f"record type {kind} at byte {pos}")


def add_response_sets(path: Path, sets: str) -> None:
    """Add SPSS multiple response sets to a system file written by pyreadstat (which cannot).

    ``sets`` is the text of the record (type 7, subtype 7) as SPSS writes it, one set a
    line: ``$help=D1 1 13 Kinds of help help_a help_b`` (dichotomies counted 1, label of 13
    bytes, variables) or ``$why=C 7 Reasons why1 why2`` (categories).
    """
    data = path.read_bytes()
    end = _records_end(data)
    text = sets.encode("utf-8")
    path.write_bytes(data[:end] + struct.pack("<iiii", 7, 7, 1, len(text)) + text + data[end:])
