"""The scoring model's version, derived from the code that computes a score: a change to that code
is a new version, so no answer cached under the old one (Redis keeps them for an hour) is served
for it. The data has its own version (the benchmark version, a hash of the data files)."""

import hashlib
from pathlib import Path

# The release a person names; the digest after it is what changes with the code.
MODEL_RELEASE = "1.2"
_SERVICE = Path(__file__).resolve().parents[1]
# What turns a canonical profile and the data into an answer: the scorers and the benchmark model.
_CODE = sorted([*(_SERVICE / "scoring").glob("*.py"), *(_SERVICE / "benchmarks").glob("*.py"),
                _SERVICE / "profile.py"])


def _digest() -> str:
    digest = hashlib.sha256()
    for path in _CODE:
        digest.update(path.relative_to(_SERVICE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


MODEL_VERSION = f"{MODEL_RELEASE}+{_digest()}"
