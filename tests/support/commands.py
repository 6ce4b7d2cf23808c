"""Run the product's management commands the way operations staff do, capturing output."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
# The worked examples of the specification, copied into docs/examples/ so the suite
# runs from any clone; ../shared/examples is the source of truth they are copied from.
EXAMPLES = ROOT / "docs" / "examples"


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        import sys

        saved = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command(*args, stdout=out, stderr=err)
        finally:
            sys.stdin = saved
    else:
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_json(*args: str) -> object:
    out, _ = run(*args)
    return json.loads(out)


def write_json(tmp_path: Path, name: str, doc: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)
