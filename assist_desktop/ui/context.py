"""What every screen needs to know: the open database, who is logged in, and change notifications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from assist_desktop.domain.lifecycle import Role
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import ServerAddress
from assist_desktop.storage.models import OrgUnit, User


class AppEvents(QObject):
    """Screens announce writes here so that other screens refresh (lists, counts, the status bar)."""

    files_changed = Signal(list)  # ids of hardship files written
    workflow_changed = Signal()  # something moved through an approval step
    backup_taken = Signal(str)  # path of a new backup
    synced = Signal()  # a sync package or acknowledgement changed what is still to be sent


@dataclass
class AppContext:
    db: Database
    user: User
    unit: OrgUnit
    roles: frozenset[Role]
    demo: bool = False
    events: AppEvents = field(default_factory=AppEvents)
    # The day the screens pass to the services as "today" (deadlines, notice periods, payment dates);
    # a test sets a fixed day so that what it checks does not depend on when it runs.
    clock: Callable[[], date] = date.today

    def today(self) -> date:
        return self.clock()

    @property
    def db_path(self) -> Path | ServerAddress:
        """The database file, or the server address (without its password) for a server database."""
        return self.db.location

    def has(self, role: Role) -> bool:
        return role in self.roles
