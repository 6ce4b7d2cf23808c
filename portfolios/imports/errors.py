"""Errors of a file import: every problem names its row and field (FORMATS.md general rules)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str  # e.g. "transactions[3]" or "line 12"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}" if self.where else f"{self.field}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"row": self.where, "field": self.field, "message": self.message}


class FileErrors(Exception):
    """A refused file. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"... and {len(self.problems) - 50} more problems")
        return "\n".join(lines)
