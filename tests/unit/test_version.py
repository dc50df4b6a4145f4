"""The model version follows the scoring code: an edit is a new version, so an answer cached under
the old one is never served for it (issue 22: a change without a hand-made bump served stale answers)."""

import re
import shutil

from service.scoring import MODEL_VERSION, version


def test_the_model_version_is_the_release_and_a_digest_of_the_scoring_code():
    assert re.fullmatch(rf"{re.escape(version.MODEL_RELEASE)}\+[0-9a-f]{{10}}", MODEL_VERSION)
    assert version._digest() == MODEL_VERSION.split("+")[1]


def test_editing_any_scoring_module_changes_the_version(tmp_path, monkeypatch):
    copies = []
    for path in version._CODE:
        target = tmp_path / path.relative_to(version._SERVICE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        copies.append(target)
    monkeypatch.setattr(version, "_SERVICE", tmp_path)
    monkeypatch.setattr(version, "_CODE", copies)
    before = version._digest()
    assert before == MODEL_VERSION.split("+")[1]
    scorer = tmp_path / "scoring" / "homogeneity.py"
    scorer.write_text(scorer.read_text(encoding="utf-8") + "\n# a changed weight\n", encoding="utf-8")
    assert version._digest() != before
