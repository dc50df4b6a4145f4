"""Reading portfolio files (CSV, Excel .xlsx, JSONL, JSON) into profiles and writing scored rows
(CSV, .xlsx, JSONL)."""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from service.profile_rows import PROFILE_COLUMNS, profile_from_cells

ID_COLUMNS = ("id", "row_id")
KNOWN_COLUMNS = PROFILE_COLUMNS | set(ID_COLUMNS)
OUTPUT_FIELDS = (
    "row_id", "input_hash", "status", "http_status", "name",
    "differentiation", "differentiation_band", "homogeneity_risk", "homogeneity_band", "crowding",
    "compliance_risk", "compliance_band", "top_factors", "top_recommendation", "coverage", "read_as",
    "not_understood", "benchmark_version", "error",
    "factors",
)
# Cells a spreadsheet would run as a formula (OWASP, "CSV Injection"): written with a leading
# apostrophe, which Excel and LibreOffice show as text and do not display. A cell that starts with an
# apostrophe gets one more, so reading the file back takes exactly one off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")   # linear: no nested repetition
# A row is final once scored, rejected by the service (4xx) or unreadable; "failed" rows are retried.
FINAL_STATUSES = ("scored", "rejected", "invalid")


class InputError(Exception):
    """The file as a whole cannot be read: a usage error (exit code 2)."""


@dataclass
class Row:
    number: int
    row_id: str
    profile: dict | None
    error: str | None
    input_hash: str
    name: str = ""


def profile_hash(profile) -> str:
    canonical = json.dumps(profile, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def read_rows(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _unique(_table_rows(*_xlsx_table(path), path), path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    if suffix == ".csv":
        rows = _csv_rows(text, path)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(text)
    elif suffix == ".json":
        rows = _json_rows(text, path)
    else:
        raise InputError(f"{path}: unknown input format {suffix!r}; use .csv, .xlsx, .jsonl or .json")
    return _unique(rows, path)


def _unique(rows: list[Row], path: Path) -> list[Row]:
    seen: dict[str, int] = {}
    for row in rows:
        if row.row_id in seen:
            raise InputError(f"{path}: row id {row.row_id!r} appears on rows {seen[row.row_id]} and {row.number}; "
                             "ids must be unique so that resuming is exact")
        seen[row.row_id] = row.number
    return rows


def _row(number: int, record: dict | None, error: str | None = None, raw: str = "") -> Row:
    record = record or {}
    row_id = next((str(record.pop(c)) for c in ID_COLUMNS if record.get(c) not in (None, "")), f"row-{number}")
    for column in ID_COLUMNS:
        record.pop(column, None)
    hashed = profile_hash(record) if error is None else profile_hash(raw)
    return Row(number, row_id, None if error else record, error, hashed, str(record.get("name", "")))


def csv_records(text: str) -> csv.DictReader:
    """CSV records as the csv module reads a file: rows end at \\n or \\r only, so a cell keeps any
    other line separator (U+2028, NEL, form feed, RS: str.splitlines() would cut the row there), and a
    quoted cell keeps its line breaks (which split list cells into terms)."""
    return csv.DictReader(io.StringIO(text, newline=""))


def _csv_rows(text: str, path: Path) -> list[Row]:
    reader = csv_records(text)
    return _table_rows([c.strip() for c in reader.fieldnames or []], reader, path)


def _xlsx_table(path: Path) -> tuple[list[str], list[dict]]:
    """The first worksheet: its first row names the columns (as in a CSV), every later non-empty row
    is a profile; numbers, booleans and dates are read as the text a CSV would hold."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except Exception as exc:  # openpyxl raises zipfile, XML and its own errors for a file that is not .xlsx
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(c) for c in next(lines, ())]
        while header and not header[-1]:
            header.pop()
        records = [dict(zip(header, map(_cell_text, line))) for line in lines
                   if any(_cell_text(c) for c in line[:len(header)])]
    finally:
        workbook.close()
    return header, records


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _table_rows(columns: list[str], records, path: Path) -> list[Row]:
    unknown = sorted(set(columns) - KNOWN_COLUMNS)
    if unknown:
        raise InputError(f"{path}: unknown column(s) {unknown}; accepted: {sorted(KNOWN_COLUMNS)}")
    if "name" not in columns or "domain" not in columns:
        raise InputError(f"{path}: the columns 'name' and 'domain' are required")
    rows = []
    for number, record in enumerate(records, start=1):
        cells = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
        try:
            profile = profile_from_cells(cells, rates_as_written=True)
            rows.append(_row(number, {**profile, **{c: cells[c] for c in ID_COLUMNS if cells.get(c)}}))
        except ValueError as exc:
            kept = {c: cells[c] for c in (*ID_COLUMNS, "name") if c in cells}
            rows.append(_row(number, kept, str(exc), json.dumps(cells, sort_keys=True)))
    return rows


def _jsonl_rows(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(_row(number, None, f"line is not valid JSON: {exc.msg}", line))
            continue
        rows.append(_row(number, record) if isinstance(record, dict)
                    else _row(number, None, "line is not a JSON object", line))
    return rows


def _json_rows(text: str, path: Path) -> list[Row]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(records, list):
        raise InputError(f"{path}: a .json input must be an array of profiles")
    return [_row(n, r) if isinstance(r, dict) else _row(n, None, "item is not a JSON object", json.dumps(r))
            for n, r in enumerate(records, start=1)]


class OutputFile:
    """Scored rows, CSV, .xlsx or JSONL by extension. Appended as rows complete (so an interrupted run
    keeps them) and rewritten in input order at the end.

    A CSV starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
    legacy code page and garbles Chinese names. JSON Lines stay plain UTF-8 (JSON forbids a BOM).
    A workbook cannot be appended to: rows done go to `<output>.partial.jsonl` until the workbook is
    rewritten, and a resumed run reads both."""

    def __init__(self, path: Path):
        self.path = path
        self.format = path.suffix.lower()
        if self.format not in (".csv", ".xlsx", ".jsonl", ".ndjson"):
            raise InputError(f"{path}: unknown output format {self.format!r}; use .csv, .xlsx or .jsonl")
        if self.format == ".xlsx":
            self.partial = OutputFile(path.with_name(path.name + ".partial.jsonl"))
        # utf-8-sig writes the mark only at the start of a file, so appending never repeats it.
        self.encoding = "utf-8-sig" if self.format == ".csv" else "utf-8"
        self._handle = None

    def read(self) -> list[dict]:
        if self.format == ".xlsx":
            return self._read_xlsx() + self.partial.read()
        if not self.path.exists():
            return []
        # newline="": a carriage return inside a quoted cell is the cell's, not a line end to translate.
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        if self.format == ".csv":
            records = [{k: _unguarded(v) for k, v in record.items()} for record in csv_records(text)]
        else:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        for record in records:
            if isinstance(record.get("factors"), str) and record["factors"]:
                record["factors"] = json.loads(record["factors"])
        return records

    def rewrite(self, records: list[dict]) -> None:
        self.close()
        temporary = self.path.with_name(self.path.name + ".tmp")
        if self.format == ".xlsx":
            self._write_xlsx(temporary, records)
            temporary.replace(self.path)
            self.partial.close()
            self.partial.path.unlink(missing_ok=True)
            return
        with temporary.open("w", encoding=self.encoding, newline="") as handle:
            self._write(handle, records, header=True)
        temporary.replace(self.path)

    def append(self, records: list[dict]) -> None:
        if self.format == ".xlsx":
            self.partial.append(records)
            return
        if self._handle is None:
            self._handle = self.path.open("a", encoding=self.encoding, newline="")
        self._write(self._handle, records, header=False)
        self._handle.flush()

    def close(self) -> None:
        if self.format == ".xlsx":
            self.partial.close()
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _read_xlsx(self) -> list[dict]:
        if not self.path.exists():
            return []
        workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            lines = workbook.worksheets[0].iter_rows(values_only=True)
            header = list(next(lines, ()))
            records = [{k: v for k, v in zip(header, line)} for line in lines]
        finally:
            workbook.close()
        for record in records:
            for key, value in record.items():
                if key == "factors" and isinstance(value, str) and value:
                    record[key] = json.loads(value)
                elif value is None:
                    record[key] = ""
        return records

    @staticmethod
    def _write_xlsx(path: Path, records: list[dict]) -> None:
        """One sheet, the CSV's columns; lists and objects as JSON text; numbers stay numbers."""
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("scored")
        sheet.append(list(OUTPUT_FIELDS))
        for record in records:
            sheet.append([_xlsx_cell(sheet, _xlsx_value(record.get(k))) for k in OUTPUT_FIELDS])
        workbook.save(path)

    def _write(self, handle, records, header: bool) -> None:
        if self.format == ".csv":
            writer = csv.DictWriter(handle, fieldnames=OUTPUT_FIELDS, extrasaction="ignore")
            if header:
                writer.writeheader()
            for record in records:
                writer.writerow({k: _guarded(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                                 for k, v in record.items()})
        else:
            for record in records:
                handle.write(json.dumps({k: record.get(k) for k in OUTPUT_FIELDS}, ensure_ascii=False) + "\n")


def _xlsx_value(value):
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _xlsx_cell(sheet, value):
    """Text stays text: openpyxl writes a string that starts with '=' as a formula (CSV injection's
    workbook form), so every string cell is typed as a string."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _guarded(value):
    """A text cell that a spreadsheet would take for a formula, neutralised; numbers as they are, also
    as text (a score read back from a partial file to resume is '-1.5', not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _unguarded(value):
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def summary_path(output: Path) -> Path:
    """Where a run's summary goes: next to its output, e.g. scored.csv.summary.json."""
    return output.with_name(output.name + ".summary.json")


def write_summary(output: Path, summary: dict) -> Path:
    """The run's summary as JSON next to the output (for schedulers and spreadsheets, not only stderr);
    replaced whole, so a reader never sees half of it."""
    path = summary_path(output)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path
