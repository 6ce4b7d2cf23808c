"""Reading JSON the way the formats demand: binary floats survive parsing only to be refused.

`json.loads` turns `7.5` into a float; the field validators then refuse it naming the field
(FORMATS.md: "A JSON floating-point number is refused with a clear error naming the field").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portfolios.imports.errors import FileErrors, Problem


def load_json_text(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileErrors([Problem(f"line {exc.lineno}", "json", exc.msg)]) from None


def load_json_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FileErrors([Problem("", "file", f"cannot read {path}: {exc.strerror}")]) from None
    return load_json_text(text)
