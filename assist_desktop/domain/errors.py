"""Errors every layer raises; the message is Chinese and meant for a caseworker."""

from __future__ import annotations


class DomainError(ValueError):
    """A rule was broken. ``message`` is shown as is; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message
