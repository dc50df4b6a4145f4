"""diffscore-batch and Excel workbooks: a .xlsx portfolio reads exactly as the same table saved as
CSV, results are written as .xlsx (numbers as numbers, Chinese as it is), and a workbook output
resumes like a CSV one (rows done kept in a partial file until the workbook is rewritten)."""

import csv
import json

import openpyxl
import pytest

from scripts.batch_io import OUTPUT_FIELDS, InputError, OutputFile, read_rows
from tests.unit.test_batch_excel import EXAMPLES, batch, service  # noqa: F401 (service is a fixture)


def workbook_of(path, table: list[list]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in table:
        sheet.append(line)
    workbook.save(path)


def example_table() -> list[list[str]]:
    return list(csv.reader((EXAMPLES / "portfolio.csv").read_text(encoding="utf-8-sig").splitlines()))


def test_an_xlsx_portfolio_reads_as_the_same_csv(tmp_path):
    workbook_of(tmp_path / "p.xlsx", example_table())
    from_xlsx, from_csv = read_rows(tmp_path / "p.xlsx"), read_rows(EXAMPLES / "portfolio.csv")
    assert [(r.row_id, r.profile, r.error, r.input_hash) for r in from_xlsx] == \
        [(r.row_id, r.profile, r.error, r.input_hash) for r in from_csv]


def test_xlsx_cells_are_read_as_a_csv_would_hold_them(tmp_path):
    workbook_of(tmp_path / "p.xlsx", [["id", "name", "domain", "compliance.max_apr", "compliance.cross_border", None],
                                      [7, "学生分期", "lending", 0.24, False, None], [None, None, None, None, None, None],
                                      ["x2", "Pay", "payments", 24, True, None]])
    rows = read_rows(tmp_path / "p.xlsx")
    assert [r.row_id for r in rows] == ["7", "x2"]
    assert rows[0].profile["compliance"]["max_apr"] in ("0.24", 0.24)
    assert rows[0].profile["compliance"].get("cross_border", False) in ("false", False)
    assert rows[1].profile["compliance"]["cross_border"] in ("true", True)


def test_unknown_columns_and_unreadable_workbooks_stop_the_run(tmp_path):
    workbook_of(tmp_path / "p.xlsx", [["name", "domain", "colour"], ["a", "payments", "red"]])
    with pytest.raises(InputError, match="unknown column"):
        read_rows(tmp_path / "p.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable .xlsx"):
        read_rows(tmp_path / "bad.xlsx")


def test_an_xlsx_output_round_trips_and_resumes_from_its_partial_file(tmp_path):
    path = tmp_path / "scored.xlsx"
    output = OutputFile(path)
    done = {"row_id": "r1", "input_hash": "h1", "status": "scored", "name": "充电安心", "differentiation": 63.1,
            "factors": {"differentiation": [["x", "label", 1.5]]}}
    output.rewrite([done])
    output.append([{**done, "row_id": "r2", "name": "=cmd|' /C calc'!A0\x07"}])
    output.close()
    assert path.with_name("scored.xlsx.partial.jsonl").exists()
    records = OutputFile(path).read()
    assert [r["row_id"] for r in records] == ["r1", "r2"]
    assert records[0]["differentiation"] == 63.1 and records[0]["factors"] == done["factors"]
    output.rewrite(records)
    assert not path.with_name("scored.xlsx.partial.jsonl").exists()
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == list(OUTPUT_FIELDS)
    assert sheet.cell(2, OUTPUT_FIELDS.index("name") + 1).value == "充电安心"
    assert "\x07" not in sheet.cell(3, OUTPUT_FIELDS.index("name") + 1).value


def test_the_batch_client_scores_an_xlsx_into_an_xlsx(tmp_path, servers, service):  # noqa: F811
    workbook_of(tmp_path / "p.xlsx", example_table())
    assert batch(servers, tmp_path / "p.xlsx", tmp_path / "scored.xlsx", service[0]) == 1  # the examples hold bad rows
    csv_out = tmp_path / "scored.csv"
    batch(servers, EXAMPLES / "portfolio.csv", csv_out, service[0])
    from_xlsx = OutputFile(tmp_path / "scored.xlsx").read()
    from_csv = OutputFile(csv_out).read()
    assert [(r["row_id"], r["status"]) for r in from_xlsx] == [(r["row_id"], r["status"]) for r in from_csv]
    scored = [r for r in from_xlsx if r["status"] == "scored"]
    assert scored and all(isinstance(r["differentiation"], (int, float)) for r in scored)
    assert json.loads((tmp_path / "scored.xlsx.summary.json").read_text(encoding="utf-8"))


def test_an_xlsx_output_never_holds_a_formula(tmp_path):
    """openpyxl writes a string starting with '=' as a formula: every text cell is typed as text, so a
    product named '=HYPERLINK(...)' opens as the name it is (OWASP CSV injection, workbook form)."""
    path = tmp_path / "scored.xlsx"
    OutputFile._write_xlsx(path, [{"row_id": "r1", "name": '=HYPERLINK("http://example.com")', "status": "scored",
                                   "differentiation": 12.5}])
    row = next(openpyxl.load_workbook(path).worksheets[0].iter_rows(min_row=2))
    cells = dict(zip(OUTPUT_FIELDS, row))
    assert cells["name"].data_type == "s" and cells["name"].value.startswith("=HYPERLINK")
    assert cells["differentiation"].data_type == "n"
