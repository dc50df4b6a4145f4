"""Score a portfolio file through the service: every row exactly once, resumable, with a report.

Examples:
  diffscore-batch ideas.csv -o scored.csv
  diffscore-batch ideas.xlsx -o scored.xlsx
  diffscore-batch ideas.jsonl -o scored.jsonl --report map.html --base-url http://10.0.0.5:8000
  DIFFSCORE_URL=http://127.0.0.1:8000 diffscore-batch ideas.json -o scored.csv --quiet

Re-running with the same output skips rows already scored (same row id and same content), so an
interrupted run costs only what is left. A CSV output opens in Excel as it is (UTF-8 with a BOM); a
cell that starts with =, +, -, @, a tab or a carriage return (or an apostrophe) is written with a
leading apostrophe, so that a spreadsheet shows it as text instead of running it as a formula (OWASP
CSV injection); reading the output back (resuming) takes it off again. The run's summary (counts
by status, every row that was not scored) is also written next to the output, e.g.
scored.csv.summary.json. Rows are scored on the words the service understood; a row with words
it read loosely (a typo, Traditional script, a term moved to its field) or did not understand is
scored and flagged: its `read_as` and `not_understood` columns say how, and the run lists it.
--strict rejects such rows instead (the service's strict handling). Exit code: 0 all rows scored,
1 some rows failed (listed), 2 usage or connection error.
"""

import argparse
import os
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from pathlib import Path

import orjson
import requests
from requests.adapters import HTTPAdapter
from tqdm import tqdm
from urllib3.util.retry import Retry

from scripts.batch_io import FINAL_STATUSES, InputError, OutputFile, Row, read_rows, write_summary

DEFAULT_URL = "http://127.0.0.1:8000"
# Readings a row is not flagged for (see docs/vocabulary.md for all of them).
EXACT_READINGS = ("exact", "synonym", "family")
# The answer's parts (?fields=) that a record is made of; recommendations unless --no-recommendations.
RECORD_SECTIONS = ("scores", "coverage", "interpretation")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="diffscore-batch", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, help="profiles: .csv, .xlsx (first sheet), .jsonl or .json (array)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="results: .csv, .xlsx or .jsonl")
    parser.add_argument("--report", type=Path, help="also write a self-contained HTML report")
    parser.add_argument("--base-url", default=os.environ.get("DIFFSCORE_URL", DEFAULT_URL),
                        help="service URL (default: $DIFFSCORE_URL or %(default)s)")
    parser.add_argument("--api-key", default=os.environ.get("DIFFSCORE_API_KEY"), help="sent as X-API-Key")
    parser.add_argument("--chunk-size", type=int, default=200, help="profiles per batch request (default 200)")
    parser.add_argument("--concurrency", type=int, default=4, help="batch requests in flight (default 4)")
    parser.add_argument("--retries", type=int, default=8, help="retries per request on 429/5xx/connection errors")
    parser.add_argument("--timeout", type=float, default=120, help="read timeout per request, seconds")
    parser.add_argument("--catalog", default=None,
                        help="score against this catalog: 'report' (default), a registered NAME, or NAME+report")
    parser.add_argument("--no-recommendations", action="store_true",
                        help="leave top_recommendation empty: the service measures no candidate edit, several "
                             "times faster (a whole market's first pass)")
    parser.add_argument("--strict", action="store_true",
                        help="reject rows with words that are not exact or synonym matches (default: score and flag)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar (for cron)")
    args = parser.parse_args(argv)
    if args.chunk_size < 1 or args.concurrency < 1:
        parser.error("--chunk-size and --concurrency must be at least 1")
    return args


class Client:
    """One requests.Session per thread, each with pooled connections and urllib3 Retry.

    Scoring is deterministic, so POSTs are retried like GETs, honouring Retry-After."""

    def __init__(self, base_url: str, api_key: str | None, retries: int, timeout: float, strict: bool = False,
                 recommendations: bool = True, catalog: str | None = None):
        self.base_url = base_url.rstrip("/")
        # Only the parts of the answer a record is made of: the rest (nearest products, interactions,
        # the profile read back) costs the service its dumping and the client its decoding.
        sections = RECORD_SECTIONS + (("recommendations",) if recommendations else ())
        self._params = {"fields": ",".join(sections), **({"strict": "true"} if strict else {}),
                        **({"catalog": catalog} if catalog else {})}
        self.timeout = (3.05, timeout)
        self._retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                            backoff_factor=0.5, backoff_max=10, status_forcelist=(429, 500, 502, 503, 504),
                            allowed_methods=None, respect_retry_after_header=True, raise_on_status=False)
        self._headers = {"X-API-Key": api_key} if api_key else {}
        self._local = threading.local()

    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=self._retry, pool_connections=4, pool_maxsize=4)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update(self._headers)
            self._local.session = session
        return self._local.session

    def healthy(self) -> bool:
        try:
            return self.session().get(f"{self.base_url}/healthz", timeout=self.timeout).status_code == 200
        except requests.RequestException:
            return False

    def score_chunk(self, rows: list[Row]) -> list[dict]:
        """One record per row; a request that still fails after retries marks its rows 'failed'."""
        try:
            response = self.session().post(f"{self.base_url}/v1/scores/batch", params=self._params,
                                           data=orjson.dumps({"items": [r.profile for r in rows]}),
                                           headers={"Content-Type": "application/json"}, timeout=self.timeout)
        except requests.RequestException as exc:
            return [failed(r, f"request failed after retries: {exc.__class__.__name__}") for r in rows]
        if response.status_code != 200:
            return [failed(r, f"batch request answered {response.status_code}: {_detail(response)}", response.status_code)
                    for r in rows]
        return [record(row, item) for row, item in zip(rows, orjson.loads(response.content)["results"])]

    def get(self, path: str, **params) -> dict:
        response = self.session().get(f"{self.base_url}{path}", params=params, timeout=self.timeout)
        response.raise_for_status()
        return response.json()


def _detail(response) -> str:
    try:
        return response.json().get("detail", "")
    except ValueError:
        return response.text[:200]


def failed(row: Row, error: str, http_status=None) -> dict:
    return {"row_id": row.row_id, "input_hash": row.input_hash, "status": "failed",
            "http_status": http_status, "name": (row.profile or {}).get("name", ""), "error": error}


def record(row: Row, item: dict) -> dict:
    """The output row for one batch item: scores and reasons, or the item's own problem."""
    base = {"row_id": row.row_id, "input_hash": row.input_hash, "http_status": item["status"],
            "name": row.name}
    if item["status"] != 200:
        problem = item["error"]
        reasons = "; ".join(f"{e['field']}: {e['message']}" for e in problem.get("errors", []))
        status = "rejected" if 400 <= item["status"] < 500 else "failed"
        return {**base, "status": status, "error": f"{problem['detail']} {reasons}".strip()}
    result = item["result"]
    principal = [f for name in ("differentiation", "homogeneity_risk", "compliance_risk")
                 for f in result[name]["factors"] if f["principal"]]
    top = result["recommendations"][0] if result.get("recommendations") else None
    return {
        **base, "status": "scored", "error": "",
        "differentiation": result["differentiation"]["score"],
        "differentiation_band": result["differentiation"]["band"],
        "homogeneity_risk": result["homogeneity_risk"]["score"],
        "homogeneity_band": result["homogeneity_risk"]["band"],
        "crowding": result["homogeneity_risk"]["crowding"],
        "compliance_risk": result["compliance_risk"]["score"],
        "compliance_band": result["compliance_risk"]["band"],
        "top_factors": "; ".join(f"{f['code']} {f['contribution']:+g}" for f in principal[:6]),
        "top_recommendation": f"{top['label_en']} (gain {top['gain']:+g})" if top else "",
        "coverage": result["coverage"],
        "read_as": "; ".join(f"{r['field']} {r['text']!r} as {r['code']!r} ({r['how']})"
                             for r in result["interpretation"] if r["how"] not in EXACT_READINGS),
        "not_understood": "; ".join(f"{r['field']} {r['text']!r}"
                                    + (f" (did you mean {', '.join(r['suggestions'])}?)" if r["suggestions"] else "")
                                    for r in result["interpretation"] if r["how"] == "not_recognised"),
        "benchmark_version": result["meta"]["benchmark_version"],
        "factors": {name: [[f["code"], f["label_en"], f["contribution"]] for f in result[name]["factors"]]
                    for name in ("differentiation", "homogeneity_risk", "compliance_risk")},
    }


def invalid(row: Row) -> dict:
    return {"row_id": row.row_id, "input_hash": row.input_hash, "status": "invalid", "http_status": None,
            "name": row.name, "error": row.error}


def run(args) -> int:
    started = _now()
    try:
        rows = read_rows(args.input)
        output = OutputFile(args.output)
        previous = {(r["row_id"], r["input_hash"]): r for r in output.read() if r.get("status") in FINAL_STATUSES}
    except InputError as exc:
        print(f"diffscore-batch: {exc}", file=sys.stderr)
        return 2
    results = {row.number: previous.get((row.row_id, row.input_hash)) for row in rows}
    for row in rows:
        if row.error and results[row.number] is None:
            results[row.number] = invalid(row)
    todo = [row for row in rows if results[row.number] is None]
    output.rewrite([results[r.number] for r in rows if results[r.number] is not None])
    client = Client(args.base_url, args.api_key, args.retries, args.timeout, args.strict,
                    not args.no_recommendations, args.catalog)
    if todo and not client.healthy():
        print(f"diffscore-batch: the service at {args.base_url} does not answer /healthz", file=sys.stderr)
        return 2
    skipped = sum(1 for row in rows if previous.get((row.row_id, row.input_hash)))
    if skipped and not args.quiet:
        print(f"resuming: {skipped} of {len(rows)} rows already done", file=sys.stderr)
    chunks = [todo[i:i + args.chunk_size] for i in range(0, len(todo), args.chunk_size)]
    try:
        with tqdm(total=len(todo), unit="rows", disable=args.quiet, file=sys.stderr) as bar, \
                ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            pending = {pool.submit(client.score_chunk, chunk): chunk for chunk in chunks}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = pending.pop(future)
                    records = future.result()
                    for row, rec in zip(chunk, records):
                        results[row.number] = rec
                    output.append(records)
                    bar.update(len(chunk))
    except KeyboardInterrupt:
        print("\ninterrupted: re-run the same command to resume", file=sys.stderr)
        done = [results[r.number] for r in rows if results[r.number] is not None]
        output.rewrite(done)
        write_summary(args.output, summary(done, len(rows), args, started, skipped, 130))
        return 130
    ordered = [results[r.number] for r in rows]
    output.rewrite(ordered)
    if args.report:
        from scripts.report import write_report

        write_report(args.report, ordered, client, [r.profile for r in rows if r.profile])
    return summarise(ordered, args, started, skipped)


def summarise(records: list[dict], args, started: str, skipped: int) -> int:
    """The run's outcome on stderr (problem rows first 50) and, complete, in the summary file."""
    bad = [r for r in records if r["status"] != "scored"]
    code = 1 if bad else 0
    path = write_summary(args.output, summary(records, len(records), args, started, skipped, code))
    if not args.quiet or bad:
        print(f"{len(records) - len(bad)} of {len(records)} rows scored -> {args.output} (summary: {path})",
              file=sys.stderr)
    for rec in bad[:50]:
        print(f"  {rec['row_id']}: {rec['status']}: {rec['error']}", file=sys.stderr)
    if len(bad) > 50:
        print(f"  ... and {len(bad) - 50} more (see the output's status and error columns)", file=sys.stderr)
    flagged = [r for r in records if r["status"] == "scored" and (r.get("read_as") or r.get("not_understood"))]
    if flagged:
        print(f"{len(flagged)} scored rows were read loosely or hold words not understood:", file=sys.stderr)
        for rec in flagged[:50]:
            said = "; ".join(x for x in (rec.get("read_as"), rec.get("not_understood") and
                                         f"not understood: {rec['not_understood']}") if x)
            print(f"  {rec['row_id']}: flagged: {said}", file=sys.stderr)
    return code


def summary(records: list[dict], total: int, args, started: str, skipped: int, exit_code: int) -> dict:
    statuses: dict[str, int] = {}
    for rec in records:
        statuses[rec["status"]] = statuses.get(rec["status"], 0) + 1
    return {
        "input": str(args.input), "output": str(args.output), "report": str(args.report) if args.report else None,
        "base_url": args.base_url, "started_at": started, "finished_at": _now(), "exit_code": exit_code,
        "rows": total, "scored": statuses.get("scored", 0), "not_done": total - len(records),
        "resumed_from_previous_run": skipped, "statuses": statuses,
        "benchmark_versions": sorted({r["benchmark_version"] for r in records if r.get("benchmark_version")}),
        "problems": [{k: rec.get(k) for k in ("row_id", "name", "status", "http_status", "error")}
                     for rec in records if rec["status"] != "scored"],
        "flagged": [{k: rec.get(k) for k in ("row_id", "name", "read_as", "not_understood")}
                    for rec in records if rec["status"] == "scored" and (rec.get("read_as") or rec.get("not_understood"))],
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def main(argv=None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
