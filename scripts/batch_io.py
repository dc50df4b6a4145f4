"""Reading portfolio files (CSV, JSONL, JSON) into profiles and writing scored rows (CSV, JSONL)."""

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

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
        raise InputError(f"{path}: unknown input format {suffix!r}; use .csv, .jsonl or .json")
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
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = sorted(set(columns) - KNOWN_COLUMNS)
    if unknown:
        raise InputError(f"{path}: unknown column(s) {unknown}; accepted: {sorted(KNOWN_COLUMNS)}")
    if "name" not in columns or "domain" not in columns:
        raise InputError(f"{path}: the columns 'name' and 'domain' are required")
    rows = []
    for number, record in enumerate(reader, start=1):
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
    """Scored rows, CSV or JSONL by extension. Appended as rows complete (so an interrupted run
    keeps them) and rewritten in input order at the end.

    A CSV starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
    legacy code page and garbles Chinese names. JSON Lines stay plain UTF-8 (JSON forbids a BOM)."""

    def __init__(self, path: Path):
        self.path = path
        self.format = path.suffix.lower()
        if self.format not in (".csv", ".jsonl", ".ndjson"):
            raise InputError(f"{path}: unknown output format {self.format!r}; use .csv or .jsonl")
        # utf-8-sig writes the mark only at the start of a file, so appending never repeats it.
        self.encoding = "utf-8-sig" if self.format == ".csv" else "utf-8"
        self._handle = None

    def read(self) -> list[dict]:
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
        with temporary.open("w", encoding=self.encoding, newline="") as handle:
            self._write(handle, records, header=True)
        temporary.replace(self.path)

    def append(self, records: list[dict]) -> None:
        if self._handle is None:
            self._handle = self.path.open("a", encoding=self.encoding, newline="")
        self._write(self._handle, records, header=False)
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

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


def _guarded(value):
    """A text cell that a spreadsheet would take for a formula, neutralised; numbers as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


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
