"""Two offices made known to each other as the caseworkers would by exchanging key files and reading the
fingerprint over the phone: the upper unit enrols the lower, the lower records its upper. For the sync
tests' networks, the crash harness and the sync benchmark (no pytest here, so scripts can import it)."""

from __future__ import annotations

from assist_desktop.storage.engine import Database
from assist_desktop.sync import keys as sync_keys


def key_file(db: Database) -> sync_keys.UnitKeyFile:
    with db.session() as s:
        return sync_keys.read_key_file(sync_keys.export_key_file(s, None))


def link(lower: Database, upper: Database, lower_key: sync_keys.UnitKeyFile | None = None,
         upper_key: sync_keys.UnitKeyFile | None = None) -> None:
    lower_key = lower_key or key_file(lower)
    upper_key = upper_key or key_file(upper)
    with upper.session() as s:
        sync_keys.enrol_lower_unit(s, None, lower_key, fingerprint=lower_key.fingerprint)
    with lower.session() as s:
        sync_keys.set_upper_unit(s, None, upper_key, fingerprint=upper_key.fingerprint)
