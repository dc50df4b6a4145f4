"""Registered catalogs as every worker sees them (issue 21): listed from the shared store, not from
what one worker has seen (3 of 6 calls listed it); a catalog the store no longer holds whole is
counted by /readyz (it said ready throughout); a worker's memory for catalogs is bounded."""

from pathlib import Path

from service.api.examples import NEV_INSURANCE_EN
from tests.api.test_catalogs import RIVALS


def test_every_worker_lists_what_any_worker_registered(make_app, tmp_path):
    first, second = (make_app(catalog_dir=str(tmp_path)).test_client() for _ in range(2))
    assert first.put("/v1/catalogs/acme", json={"products": RIVALS}).status_code == 200
    assert first.put("/v1/catalogs/globex", json={"products": RIVALS[:1]}).status_code == 200
    listed = {c["name"]: c for c in second.get("/v1/catalogs").get_json()["catalogs"]}
    assert listed["acme"]["products"] == 2 and listed["globex"]["products"] == 1
    assert listed["acme"]["source"] == "registered"
    assert second.post("/v1/scores?catalog=globex", json=NEV_INSURANCE_EN).status_code == 200


def test_readiness_counts_a_catalog_the_store_lost_and_logs_its_name(make_app, tmp_path, caplog):
    client = make_app(catalog_dir=str(tmp_path)).test_client()
    assert client.get("/readyz").get_json()["catalogs"] == {"store": "up", "unloadable": 0}
    client.put("/v1/catalogs/acme", json={"products": RIVALS})
    client.put("/v1/catalogs/globex", json={"products": RIVALS})
    assert client.get("/readyz").get_json()["status"] == "ready"
    records = {p: p.read_text() for p in Path(tmp_path).iterdir() if p.is_file()}
    lost = next(p for p, text in records.items() if '"name": "globex"' in text)
    lost.unlink()                                   # as an eviction or a restart without persistence did
    ready = make_app(catalog_dir=str(tmp_path)).test_client().get("/readyz").get_json()
    assert ready["status"] == "degraded" and ready["catalogs"]["unloadable"] == 1
    assert "no longer holds whole: globex" in caplog.text


def test_a_worker_keeps_a_bounded_number_of_catalog_products(make_app, tmp_path):
    app = make_app(catalog_dir=str(tmp_path), catalog_products_in_memory=3)
    client = app.test_client()
    for name in ("one", "two", "three"):
        assert client.put(f"/v1/catalogs/{name}", json={"products": RIVALS}).status_code == 200
    registry = app.extensions["diffscore"].catalogs
    assert registry._products_kept() <= 3
    # What was dropped is read again from the store when asked for.
    for name in ("one", "two", "three"):
        assert client.post(f"/v1/scores?catalog={name}", json=NEV_INSURANCE_EN).status_code == 200
        assert registry._products_kept() <= 3


def test_a_catalog_larger_than_a_worker_can_hold_is_refused(client):
    products = [{"id": f"p{i}", "domain": "payments"} for i in range(40_001)]
    response = client.put("/v1/catalogs/huge", json={"products": products})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "products"
