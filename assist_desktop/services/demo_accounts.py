"""The demo county and its accounts: light, so the window can log in to a demo without loading the generator."""

from __future__ import annotations

from assist_desktop.domain.lifecycle import Role

DEMO_UNIT_CODE = "610826"
DEMO_UNIT_NAME = "绥德县总工会"
DEMO_PASSWORD = "demo12345"
DEMO_USERS = (  # username, display name, roles
    ("admin", "系统管理员", (Role.admin,)),
    ("jingban", "李娜", (Role.clerk,)),
    ("shenhe", "王建军", (Role.reviewer,)),
    ("shenpi", "张国强", (Role.approver,)),
)


DEMO_MARK = "demo"  # the meta key set in a database the demo generator made (and only there)


def is_demo_database(session) -> bool:  # type: ignore[no-untyped-def]
    """Whether the database was made as a demo (its unit and accounts by the demo generator)."""
    from assist_desktop.storage.models import Meta

    return session.get(Meta, DEMO_MARK) is not None
