"""Worst-case request bodies, in process: the time each takes and its status. These held a worker
17-30 s or killed it before the readers were made linear (issue 21); each should now answer in
well under a second, and the time should grow in step with the body, not with its square.

    .venv/bin/python -m scripts.bench.worst_cases
"""

import logging
import time

from scripts.bench.common import report
from service.api.app import create_app
from service.settings import Settings

BASE = {"name": "x", "domain": "payments"}


def cases(scale: int) -> dict:
    """The bodies at `scale` (1 = the sizes the issue reported)."""
    return {
        "max_apr '1' + spaces + 'x'": ("/v1/scores", {**BASE, "compliance": {"max_apr": "1" + " " * 4000 * scale + "x"}}),
        "batch: 10 rates with spaces": ("/v1/scores/batch", {"items": [
            {**BASE, "compliance": {"max_apr": "1" + " " * 1500 * scale + "x"}}] * 10}),
        "extract '银行' repeated": ("/v1/profiles/extract", {"text": "银行" * 1250 * scale}),
        "description '银行' repeated": ("/v1/scores", {**BASE, "description": "银行" * 1250 * scale}),
        "extract digits": ("/v1/profiles/extract", {"text": "1" * 2500 * scale}),
        "extract 'no ' repeated": ("/v1/profiles/extract", {"text": "no " * 800 * scale}),
        "batch: 10 long descriptions": ("/v1/scores/batch", {"items": [
            {**BASE, "description": ("银行 支付 贷款 " * 500)[:2500 * scale]}] * 10}),
        "every list: unknown Chinese values": ("/v1/scores", {**BASE, **{
            f: [_CJK[i * 100 * scale:(i + 1) * 100 * scale] for i in range(25)]
            for f in ("tech_stack", "scenarios", "target_segments", "business_model", "partners")}}),
    }


_CJK = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(6000))     # varied, never a term


def main() -> None:
    logging.disable(logging.INFO)
    # Limits off: the long bodies are measured, not refused for their length.
    client = create_app(Settings(rate_limit="1000000 per minute", batch_rate_limit="1000000 per minute",
                                     worker_budget="1000000 per minute")).test_client()
    rows = []
    for scale in (1, 2):
        for name, (path, body) in cases(scale).items():
            started = time.perf_counter()
            status = client.post(path, json=body).status_code
            rows.append({"case": name, "body_scale": scale, "status": status,
                         "ms": round((time.perf_counter() - started) * 1000, 1)})
    report("worst-case bodies (time per request, in process)", rows)


if __name__ == "__main__":
    main()
