"""The one error the sync package raises: a Chinese message naming what is wrong with a file or a step."""

from __future__ import annotations

import tempfile

from assist_desktop.domain.errors import DomainError


class SyncError(DomainError):
    """A package, key file or acknowledgement is refused, or a sync step cannot be taken."""


class SyncCancelled(SyncError):
    """The user cancelled; nothing was written."""


def temp_folder_error(exc: OSError) -> SyncError:
    """A package is decrypted and unpacked into temporary files: a full or unwritable folder there."""
    return SyncError(f"临时文件夹（{tempfile.gettempdir()}）空间不足或无法写入，同步文件无法解开："
                     f"{exc.strerror or exc}")
