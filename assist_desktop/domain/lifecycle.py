"""State machines of files and grants (DESIGN.md §4), with the role each step needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from assist_desktop.domain.errors import DomainError


class Role(StrEnum):
    clerk = "clerk"
    reviewer = "reviewer"
    approver = "approver"
    admin = "admin"

    @property
    def label(self) -> str:
        return {"clerk": "经办", "reviewer": "审核", "approver": "审批", "admin": "管理员"}[self.value]


# Files and grants share the first steps, so one table labels every state of both.
_STATE_LABELS = {
    "draft": "草稿", "submitted": "已提交", "reviewed": "已审核", "on_notice": "公示中", "active": "在档",
    "exited": "已撤档", "approved": "已审批", "paid": "已发放", "cancelled": "已取消",
}


class FileStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    reviewed = "reviewed"
    on_notice = "on_notice"
    active = "active"
    exited = "exited"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self.value]


class GrantStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    reviewed = "reviewed"
    on_notice = "on_notice"
    approved = "approved"
    paid = "paid"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self.value]


class Action(StrEnum):
    submit = "submit"
    review = "review"
    put_on_notice = "put_on_notice"
    approve = "approve"
    return_to_draft = "return_to_draft"
    exit = "exit"
    annual_review = "annual_review"
    cancel = "cancel"
    pay = "pay"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self.value]


_ACTION_LABELS = {
    "submit": "提交",
    "review": "审核",
    "put_on_notice": "公示",
    "approve": "审批",
    "return_to_draft": "退回",
    "exit": "撤档",
    "annual_review": "年度复核",
    "cancel": "取消",
    "pay": "发放",
}

# The service must record a reason with these actions (DESIGN.md §4).
REASON_REQUIRED = frozenset({Action.return_to_draft, Action.exit, Action.cancel})


class IllegalTransition(DomainError):
    pass


class RoleNotAllowed(DomainError):
    pass


@dataclass(frozen=True)
class Transition:
    action: Action
    from_states: frozenset
    to_state: StrEnum
    role: Role


class Lifecycle:
    """A state machine: which action leads from which state to which, and who may take it.

    Each (state, action) pair has one transition and one role. Roles are not
    cumulative (an approver is not also a reviewer); a user holding several roles
    passes them all to ``check``. Admin manages users and settings and takes no
    step in casework. Separation of duties (nobody approves what they submitted)
    needs the item's history and is enforced by the services.
    """

    submitter_action = Action.submit
    approver_action = Action.approve
    reason_required = REASON_REQUIRED

    def __init__(self, name: str, state_type: type[StrEnum], initial: StrEnum, transitions: list[Transition]):
        self.name = name
        self.state_type = state_type
        self.initial = initial
        self.transitions = tuple(transitions)
        self._table: dict[tuple[StrEnum, Action], Transition] = {}
        for transition in self.transitions:
            for state in transition.from_states:
                key = (state, transition.action)
                if key in self._table:
                    raise ValueError(f"{name}: two transitions for {key}")
                self._table[key] = transition
        reachable = {t.to_state for t in self.transitions} | {initial}
        self.states = tuple(s for s in state_type if s in reachable)
        self.terminal_states = frozenset(s for s in self.states if not self.allowed_actions(s))

    def __repr__(self) -> str:
        return f"<Lifecycle {self.name}>"

    def _state(self, current: str) -> StrEnum:
        try:
            return self.state_type(current)
        except ValueError:
            raise IllegalTransition(f"未知状态“{current}”") from None

    def transition(self, current: str, action: str) -> Transition:
        state, act = self._state(current), Action(action)
        found = self._table.get((state, act))
        if found is None:
            raise IllegalTransition(f"当前状态为“{state.label}”，不能执行“{act.label}”")
        return found

    def next_state(self, current: str, action: str) -> StrEnum:
        return self.transition(current, action).to_state

    def allowed_actions(self, current: str) -> list[Action]:
        """Actions possible from ``current``, in the order of Action."""
        state = self._state(current)
        return [a for a in Action if (state, a) in self._table]

    def roles_for(self, action: str) -> frozenset[Role]:
        """Every role that takes ``action`` from some state of this lifecycle."""
        return frozenset(t.role for t in self.transitions if t.action == Action(action))

    def role_for(self, action: str, current: str | None = None) -> Role:
        """The role that takes ``action`` (from ``current``, when the role depends on the state)."""
        if current is not None:
            return self.transition(current, action).role
        roles = self.roles_for(action)
        if len(roles) != 1:
            raise ValueError(f"{self.name}: role of {action} depends on the state; pass current")
        return next(iter(roles))

    def check(self, current: str, action: str, roles: Iterable[Role] | Role) -> StrEnum:
        """The new state if one of ``roles`` may take ``action`` now; else a Chinese error."""
        found = self.transition(current, action)
        held = {Role(roles)} if isinstance(roles, str) else {Role(r) for r in roles}
        if found.role not in held:
            state = self._state(current)
            raise RoleNotAllowed(
                f"只有“{found.role.label}”角色才能对“{state.label}”的事项执行“{found.action.label}”"
            )
        return found.to_state


def _t(action: Action, from_states, to_state: StrEnum, role: Role) -> Transition:
    return Transition(action, frozenset(from_states), to_state, role)


# Sending back (return_to_draft) is done by the role whose turn it is, so that every
# step can refuse what reaches it: the reviewer before review and before the notice
# is posted, the approver during the notice (objections go to the chair) and, for
# grants without notice, after review. Exiting a file ends the household's aid, so
# the approver decides it, as they decided to admit it; the yearly re-check is the
# reviewer's work.
F = FileStatus
FILE_LIFECYCLE = Lifecycle(
    "hardship_file",
    FileStatus,
    F.draft,
    [
        _t(Action.submit, {F.draft}, F.submitted, Role.clerk),
        _t(Action.review, {F.submitted}, F.reviewed, Role.reviewer),
        _t(Action.put_on_notice, {F.reviewed}, F.on_notice, Role.reviewer),
        _t(Action.approve, {F.on_notice}, F.active, Role.approver),
        _t(Action.return_to_draft, {F.submitted, F.reviewed}, F.draft, Role.reviewer),
        _t(Action.return_to_draft, {F.on_notice}, F.draft, Role.approver),
        _t(Action.exit, {F.active}, F.exited, Role.approver),
        _t(Action.annual_review, {F.active}, F.active, Role.reviewer),
    ],
)
del F


@cache
def grant_lifecycle(requires_notice: bool) -> Lifecycle:
    """Scholarships and visits; with ``requires_notice`` the list is posted between review and approval."""
    G = GrantStatus
    transitions = [
        _t(Action.submit, {G.draft}, G.submitted, Role.clerk),
        _t(Action.review, {G.submitted}, G.reviewed, Role.reviewer),
        _t(Action.return_to_draft, {G.submitted}, G.draft, Role.reviewer),
        _t(Action.pay, {G.approved}, G.paid, Role.clerk),
        _t(Action.cancel, {G.draft}, G.cancelled, Role.clerk),
        _t(Action.cancel, {G.submitted, G.reviewed}, G.cancelled, Role.reviewer),
        _t(Action.cancel, {G.approved}, G.cancelled, Role.approver),
    ]
    if requires_notice:
        transitions += [
            _t(Action.put_on_notice, {G.reviewed}, G.on_notice, Role.reviewer),
            _t(Action.approve, {G.on_notice}, G.approved, Role.approver),
            _t(Action.return_to_draft, {G.reviewed}, G.draft, Role.reviewer),
            _t(Action.return_to_draft, {G.on_notice}, G.draft, Role.approver),
            _t(Action.cancel, {G.on_notice}, G.cancelled, Role.reviewer),
        ]
    else:
        transitions += [
            _t(Action.approve, {G.reviewed}, G.approved, Role.approver),
            _t(Action.return_to_draft, {G.reviewed}, G.draft, Role.approver),
        ]
    # Cancelling (the student is funded elsewhere, the household moved away) is a
    # screening decision: the clerk may drop their own draft, the reviewer anything
    # not yet approved, and only the approver undoes an approval. Paid is final.
    name = "grant_with_notice" if requires_notice else "grant"
    return Lifecycle(name, GrantStatus, G.draft, transitions)
