"""The one error the sync package raises: a Chinese message naming what is wrong with a file or a step."""

from __future__ import annotations

from assist_desktop.domain.errors import DomainError


class SyncError(DomainError):
    """A package, key file or acknowledgement is refused, or a sync step cannot be taken."""


class SyncCancelled(SyncError):
    """The user cancelled; nothing was written."""
