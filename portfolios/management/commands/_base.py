"""Shared plumbing of the file commands: refused files become a CommandError listing rows."""

from django.core.management.base import CommandError

from portfolios.imports.errors import FileErrors


def refuse(exc: FileErrors) -> CommandError:
    return CommandError(f"refused, nothing was changed:\n{exc}")
