"""Permissions known at the start: a button for an action the user's roles cannot take is disabled, and
its tooltip names the role that can — instead of failing after a file was chosen or a fingerprint
confirmed. The services still decide (DESIGN.md §4); this only says it before the caseworker starts."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton

from assist_desktop.domain.lifecycle import Role

# A button's own tooltip is kept here while a refusal tooltip stands in for it.
_OWN_TIP = "permissions_own_tip"
_ALLOWED = "permissions_allowed"


def roles_text(roles: Iterable[Role]) -> str:
    """“审核”或“审批”: in the order the work runs (经办, 审核, 审批, 管理员)."""
    held = {Role(r) for r in roles}
    return "或".join(f"“{r.label}”" for r in Role if r in held)


def refusal_tip(roles: Iterable[Role]) -> str:
    return QCoreApplication.translate("Permissions", "Only a user with the role {0} can do this.").format(
        roles_text(roles))


def require_roles(button: QAbstractButton, held: Iterable[Role], *roles: Role) -> bool:
    """Mark ``button`` as allowed only to ``roles``; returns whether the user holds one of them. A button
    not allowed is disabled for good (``set_enabled`` keeps it so) with a tooltip naming the roles."""
    allowed = bool(set(held) & set(roles))
    if button.property(_OWN_TIP) is None:
        button.setProperty(_OWN_TIP, button.toolTip())
    button.setProperty(_ALLOWED, allowed)
    button.setToolTip(button.property(_OWN_TIP) if allowed else refusal_tip(roles))
    if not allowed:
        button.setEnabled(False)
    return allowed


def set_enabled(button: QAbstractButton, enabled: bool) -> None:
    """Enable by the screen's state (a selection, a loaded plan), never past the roles."""
    button.setEnabled(enabled and button.property(_ALLOWED) is not False)
