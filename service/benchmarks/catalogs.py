"""Callers' own competitor catalogs: files loaded at start-up (BENCHMARK_PATHS) and catalogs
registered at run time, kept in the catalog store so that every worker and instance scores with
the same version. A request picks the benchmark data by name: 'report' (default), 'NAME' (the
catalog alone) or 'NAME+report' (both)."""

import csv
import io
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import yaml

from service.benchmarks.loader import build_benchmarks
from service.benchmarks.models import Benchmarks
from service.cache import CatalogStore
from service.errors import (BenchmarkDataError, CatalogUnavailable, FieldError, InvalidInput, NotFound, UnknownTerms,
                            PreconditionFailed, PreconditionRequired)
from service.profile_rows import PROFILE_COLUMNS, profile_from_cells

REPORT = "report"
_BUILT_KEEP = 8


@dataclass(frozen=True)
class Catalog:
    name: str
    version: str
    products: int
    source: str          # "file" or "registered"


def read_catalog_file(path: Path, max_bytes: int) -> list[dict]:
    """Products from a JSONL, JSON, YAML or CSV file: profile fields plus id and optional verdict;
    no larger than a registered catalog may be."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BenchmarkDataError(f"{path}: {size} bytes; a catalog file is at most {max_bytes} "
                                 "(DIFFSCORE_CATALOG_MAX_BODY_BYTES)")
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if suffix == ".json":
        data = json.loads(text)
    elif suffix in (".yaml", ".yml"):
        data = _load_yaml(path, text)
    elif suffix == ".csv":
        # Rows end at \n or \r only: a cell keeps other line separators and its quoted line breaks.
        return [_row(cells) for cells in csv.DictReader(io.StringIO(text, newline=""))]
    else:
        raise BenchmarkDataError(f"{path}: a catalog is .jsonl, .json, .yaml or .csv")
    return data["products"] if isinstance(data, dict) else data


def _load_yaml(path: Path, text: str):
    """YAML without aliases: a few lines of anchors and aliases can stand for billions of values (a
    "YAML bomb") that reading the products would walk, and a catalog never needs one."""
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise BenchmarkDataError(f"{path}: line {mark.line + 1}: a YAML alias (*{event.anchor}); "
                                     "catalog files take no anchors or aliases, write each product out")
    return yaml.load(text, Loader=yaml.CSafeLoader)


def _row(cells: dict) -> dict:
    cells = {k.strip(): (v or "").strip() for k, v in cells.items() if k}
    unknown = sorted(set(cells) - PROFILE_COLUMNS - {"id", "verdict"})
    if unknown:
        raise BenchmarkDataError(f"unknown catalog column(s) {unknown}")
    product = {"id": cells.get("id", ""), **profile_from_cells(cells)}
    if cells.get("verdict"):
        product["verdict"] = cells["verdict"]
    return product


def _qualified(tenant: str, name: str) -> str:
    """Where a tenant's catalog is kept: 'tenant/name'; the default tenant's under its bare name, as
    catalogs were kept before tenants, so that they are still found."""
    return f"{tenant}/{name}" if tenant else name


def _owner(qualified: str) -> str:
    return qualified.rpartition("/")[0]


class CatalogRegistry:
    """Named catalogs and the benchmark data built from them, rebuilt when a catalog's version moves."""

    def __init__(self, report_raw: dict, report_entries, report: Benchmarks, store: CatalogStore, prefix: str,
                 refresh_seconds: float, keep_products: int):
        self._raw = report_raw
        self._report_entries = report_entries
        self._report = report
        self._store = store
        self._prefix = prefix
        self._refresh = refresh_seconds
        self._keep_products = keep_products
        self._files: dict[str, tuple[str, list[dict]]] = {}
        self._seen: dict[str, tuple[float, dict | None]] = {}
        self._built: OrderedDict[tuple[str, str], Benchmarks] = OrderedDict()
        self._lock = threading.Lock()
        self._building = threading.local()      # CPU seconds this thread spent building catalogs

    def load_files(self, spec: str, max_bytes: int) -> None:
        """BENCHMARK_PATHS: 'name=path,name=path'; any bad entry stops start-up with every problem."""
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, _, path = item.partition("=")
            if not name or not path:
                raise BenchmarkDataError(f"BENCHMARK_PATHS entry {item!r} must be name=path")
            products = read_catalog_file(Path(path), max_bytes)
            self._files[name] = (self._built_data(name, "", products, False).version, products)

    def register(self, name: str, products: list[dict], tenant: str = "", if_match: tuple[str, ...] | None = None
                 ) -> Catalog:
        """Validates every product (all problems at once), then stores the catalog for all workers,
        as the tenant's own. Replacing one takes its current version (If-Match: its ETag, or *), so
        that nobody overwrites a version they have not seen."""
        if name == REPORT or name in self._files:
            raise InvalidInput(f"The name {name!r} is taken by a built-in or file catalog; choose another.")
        qualified = _qualified(tenant, name)
        current = self._store.fetch(self._key(qualified) + ":version")
        if current is not None and if_match is None:
            raise PreconditionRequired(
                f"Catalog {name!r} exists: send its ETag in If-Match to replace it (the ETag header of its PUT "
                "answer, or its version from GET /v1/catalogs in double quotes).",
                [FieldError("If-Match", "missing: replacing a catalog takes the version it replaces",
                            accepted='the catalog\'s ETag, e.g. "bm-0123456789ab", or *')])
        if if_match is not None and (current is None or not ({"*", current["version"]} & set(if_match))):
            held = "no such catalog" if current is None else f"the current version is {current['version']!r}"
            raise PreconditionFailed(
                f"Catalog {name!r} was not replaced: If-Match does not name its current version ({held}). "
                "Read the list again (GET /v1/catalogs), check what changed, then send its ETag.",
                [FieldError("If-Match", "does not match the catalog's current version", ", ".join(if_match) or None,
                            accepted="the current ETag" if current is None else f'"{current["version"]}" or *')])
        built = self._build(qualified, "", products, shown=name)
        record = {"name": name, "version": built.version, "products": products}
        # The record first, under its own version (invisible until named), then the version key swapped
        # from the one checked above: of two writers holding the same ETag, one wins and one gets 412.
        if not self._store.store(self._record_key(qualified, built.version), record):
            raise CatalogUnavailable("The shared catalog store (Redis) did not keep the catalog (away, or out of "
                                     "memory); try again.")
        swapped = self._store.swap(self._key(qualified) + ":version", current,
                                   {"version": built.version, "products": len(products)})
        if swapped is False:
            now = self._store.fetch(self._key(qualified) + ":version")
            if now is None or now["version"] != built.version:
                self._store.discard(self._record_key(qualified, built.version))
            raise PreconditionFailed(
                f"Catalog {name!r} was not replaced: another writer replaced it first (it is now "
                f"{(now or {}).get('version', 'gone')!r}). Read the list again (GET /v1/catalogs), check what "
                "changed, then send its ETag.",
                [FieldError("If-Match", "named a version that another writer replaced meanwhile",
                            ", ".join(if_match or ()) or None, accepted="the current ETag")])
        if swapped is None or not self._store.add_member(self._index(), qualified):
            raise CatalogUnavailable("The shared catalog store (Redis) did not keep the catalog (away, or out of "
                                     "memory); try again.")
        if current is not None and current["version"] != built.version:
            self._store.discard(self._record_key(qualified, current["version"]))
        self._store.discard(self._key(qualified))           # a record kept the way before versioned keys
        with self._lock:
            self._seen[qualified] = (time.monotonic(), record)
        return Catalog(name, built.version, len(products), "registered")

    def select(self, selection: str | None, tenant: str = "") -> Benchmarks:
        """The benchmark data for 'report', 'NAME' or 'NAME+report': a file catalog, or one of the
        tenant's registered ones (another tenant's is not found, so its name does not leak)."""
        if not selection or selection == REPORT:
            return self._report
        name, _, rest = selection.partition("+")
        if rest not in ("", REPORT):
            raise InvalidInput(f"catalog {selection!r}: use 'report', 'NAME' or 'NAME+report'.",
                               [FieldError("catalog", "unknown form", selection, "report, NAME or NAME+report")])
        qualified = name if name in self._files else _qualified(tenant, name)
        version, products = self._entries(qualified, tenant)
        return self._build(qualified, version, products, with_report=bool(rest), shown=name)

    def _build(self, name: str, version: str, products: list[dict], with_report: bool = False,
               shown: str = "") -> Benchmarks:
        try:
            return self._built_data(name, version, products, with_report)
        except BenchmarkDataError as exc:
            errors = [FieldError(e.field.split(": ", 1)[-1], e.message, accepted=e.accepted, suggestions=e.suggestions)
                      for e in exc.errors]
            # Values that name no vocabulary term are the unknown-term problem, as in a profile.
            # (the loader says what is accepted for those alone).
            problem = UnknownTerms if all(e.accepted for e in errors) else InvalidInput
            raise problem(f"{len(errors)} problem(s) in catalog {shown or name!r}; see errors.", errors) from None

    def catalogs(self, tenant: str = "") -> list[Catalog]:
        """Every catalog the tenant can select: the report, file catalogs and its registered ones as
        the shared store lists them (what any worker registered), or, while the store is away, those
        this worker has seen."""
        found = [Catalog(REPORT, self._report.version, len(self._report.products), "report")]
        for name, (version, products) in sorted(self._files.items()):
            found.append(Catalog(name, version, len(products), "file"))
        names = self._store.members(self._index())
        with self._lock:
            seen = {n: r for n, (_, r) in self._seen.items() if r}
        for qualified in sorted(seen if names is None else names):
            if _owner(qualified) != tenant:
                continue
            latest = None if names is None else self._store.fetch(self._key(qualified) + ":version")
            name = qualified.rpartition("/")[2]
            if latest is not None and "products" in latest:
                found.append(Catalog(name, latest["version"], latest["products"], "registered"))
            elif qualified in seen:
                found.append(Catalog(name, seen[qualified]["version"], len(seen[qualified]["products"]), "registered"))
        return found

    def unloadable(self) -> list[str] | None:
        """Registered catalogs, of every tenant, the store no longer holds whole (what a worker
        starting now could not serve), as 'tenant/name'; None when the store is away."""
        names = self._store.members(self._index())
        if names is None:
            return None
        broken = []
        for name in sorted(names):
            latest = self._store.fetch(self._key(name) + ":version")
            whole = (self._store.intact(self._key(name) + ":version") if latest is None else
                     self._store.intact(self._record_key(name, latest["version"])) or self._store.intact(self._key(name)))
            if whole is None:
                return None
            if not whole:
                broken.append(name)
        return broken

    def _entries(self, name: str, tenant: str) -> tuple[str, list[dict]]:
        """A catalog's version and products; a registered one is re-read when it may have moved."""
        if name in self._files:
            return self._files[name]
        with self._lock:
            checked, record = self._seen.get(name, (0.0, None))
        if record is None or time.monotonic() - checked > self._refresh:
            # Only the small version key is read on a refresh; the products only when it moved.
            latest = self._store.fetch(self._key(name) + ":version")
            if latest is not None and (record is None or latest["version"] != record["version"]):
                record = self._stored_record(name, latest["version"]) or record
            with self._lock:
                self._seen[name] = (time.monotonic(), record)
        if record is None:
            shown = name.rpartition("/")[2]
            known = [c.name for c in self.catalogs(tenant)]
            raise NotFound(f"No catalog {shown!r}; known: {', '.join(known)}. Register one with PUT /v1/catalogs/{shown}.")
        return record["version"], record["products"]

    def _built_data(self, name: str, version: str, products: list[dict], with_report: bool) -> Benchmarks:
        """Built once per (catalog, version, with or without the report's cases), a few kept."""
        key = (name, version, with_report)
        with self._lock:
            if version and key in self._built:
                self._built.move_to_end(key)
                return self._built[key]
        report_entries = (self._report_entries() if self._report_entries else None) if with_report else ()
        started = time.thread_time()
        built = build_benchmarks(self._raw, report_entries, custom=(f"catalog {name}", products))
        self._building.seconds = getattr(self._building, "seconds", 0.0) + time.thread_time() - started
        key = (name, version or built.version, with_report)
        with self._lock:
            self._built[key] = built
            # Bounded in count and in products (memory): the least recently used go first, the one
            # just built stays; a dropped catalog's record goes too and is read from the store again.
            while len(self._built) > 1 and (len(self._built) > _BUILT_KEEP or self._products_kept() > self._keep_products):
                (dropped, _, _), _ = self._built.popitem(last=False)
                if all(n != dropped for n, _, _ in self._built):
                    self._seen.pop(dropped, None)
        return built

    def take_build_seconds(self) -> float:
        """CPU seconds this thread spent building catalogs since the last call: the service's own
        work, which a request that happens to need a catalog first is not charged for."""
        spent, self._building.seconds = getattr(self._building, "seconds", 0.0), 0.0
        return spent

    def _products_kept(self) -> int:
        """Callers' products built in this worker (the report's cases and the market model's
        archetypes, in every build, are not theirs)."""
        report = sum(not p.archetype for p in self._report.products)
        return sum(sum(not p.archetype for p in built.products) - report * with_report
                   for (_, _, with_report), built in self._built.items())

    def _key(self, name: str) -> str:
        return f"{self._prefix}:catalog:{name}"

    def _record_key(self, name: str, version: str) -> str:
        """Each version's record under a key of its own: a writer never touches the record in use."""
        return f"{self._key(name)}:record:{version}"

    def _stored_record(self, name: str, version: str) -> dict | None:
        """A version's record; one registered before records were kept by version is under the name."""
        found = self._store.fetch(self._record_key(name, version))
        if found is None:
            found = self._store.fetch(self._key(name))
            found = found if found is not None and found["version"] == version else None
        return found

    def _index(self) -> str:
        """The set of registered names: what lists them, for every worker, without scanning keys."""
        return f"{self._prefix}:catalogs"
