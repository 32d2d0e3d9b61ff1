"""File and grant lifecycles with the role of each step (DESIGN.md §4)."""

import pytest

from assist_desktop.domain.lifecycle import (
    FILE_LIFECYCLE,
    REASON_REQUIRED,
    Action,
    FileStatus,
    GrantStatus,
    IllegalTransition,
    Role,
    RoleNotAllowed,
    grant_lifecycle,
)

from .helpers import assert_chinese

ALL_ROLES = set(Role)


def walk(lifecycle, steps):
    state = lifecycle.initial
    for action, role in steps:
        assert lifecycle.role_for(action, state) is role
        state = lifecycle.check(state, action, {role})
    return state


def test_file_in_order():
    # DESIGN.md §4: draft → submitted → reviewed → on notice → active; active → active by annual review.
    steps = [
        (Action.submit, Role.clerk),
        (Action.review, Role.reviewer),
        (Action.put_on_notice, Role.reviewer),
        (Action.approve, Role.approver),
        (Action.annual_review, Role.reviewer),
    ]
    assert walk(FILE_LIFECYCLE, steps) is FileStatus.active
    assert FILE_LIFECYCLE.check(FileStatus.active, Action.exit, {Role.approver}) is FileStatus.exited
    assert FILE_LIFECYCLE.terminal_states == {FileStatus.exited}


@pytest.mark.parametrize(
    ("state", "role"),
    [(FileStatus.submitted, Role.reviewer), (FileStatus.reviewed, Role.reviewer), (FileStatus.on_notice, Role.approver)],
)
def test_any_step_returns_a_file_to_draft(state, role):
    assert FILE_LIFECYCLE.check(state, Action.return_to_draft, {role}) is FileStatus.draft
    assert Action.return_to_draft in REASON_REQUIRED


def test_out_of_order_is_refused_naming_state_and_action():
    with pytest.raises(IllegalTransition) as caught:
        FILE_LIFECYCLE.next_state(FileStatus.draft, Action.approve)
    assert caught.value.message == "当前状态为“草稿”，不能执行“审批”"
    for state, action in [
        (FileStatus.submitted, Action.put_on_notice),
        (FileStatus.reviewed, Action.approve),
        (FileStatus.exited, Action.annual_review),
        (FileStatus.draft, Action.return_to_draft),
        (FileStatus.active, Action.pay),
    ]:
        with pytest.raises(IllegalTransition) as caught:
            FILE_LIFECYCLE.check(state, action, ALL_ROLES)
        assert_chinese(caught.value.message, state.label, action.label)


def test_wrong_role_is_refused_naming_the_role_needed():
    with pytest.raises(RoleNotAllowed) as caught:
        FILE_LIFECYCLE.check(FileStatus.on_notice, Action.approve, {Role.clerk, Role.reviewer})
    assert_chinese(caught.value.message, "审批", "公示中")
    # Admin manages users and settings; it takes no step in casework.
    with pytest.raises(RoleNotAllowed):
        FILE_LIFECYCLE.check(FileStatus.draft, Action.submit, {Role.admin})
    assert FILE_LIFECYCLE.check(FileStatus.draft, Action.submit, Role.clerk) is FileStatus.submitted


def test_allowed_actions():
    assert FILE_LIFECYCLE.allowed_actions(FileStatus.draft) == [Action.submit]
    assert FILE_LIFECYCLE.allowed_actions(FileStatus.active) == [Action.exit, Action.annual_review]
    assert FILE_LIFECYCLE.allowed_actions(FileStatus.exited) == []


@pytest.mark.parametrize("requires_notice", [True, False])
def test_grant_in_order(requires_notice):
    # DESIGN.md §4: draft → submitted → reviewed → approved → paid.
    lifecycle = grant_lifecycle(requires_notice)
    steps = [(Action.submit, Role.clerk), (Action.review, Role.reviewer)]
    if requires_notice:
        steps.append((Action.put_on_notice, Role.reviewer))
    steps += [(Action.approve, Role.approver), (Action.pay, Role.clerk)]
    assert walk(lifecycle, steps) is GrantStatus.paid
    assert lifecycle.terminal_states == {GrantStatus.paid, GrantStatus.cancelled}
    assert (GrantStatus.on_notice in lifecycle.states) is requires_notice


def test_notice_step_is_required_only_when_configured():
    assert grant_lifecycle(False).next_state(GrantStatus.reviewed, Action.approve) is GrantStatus.approved
    with pytest.raises(IllegalTransition):
        grant_lifecycle(True).next_state(GrantStatus.reviewed, Action.approve)
    with pytest.raises(IllegalTransition):
        grant_lifecycle(False).next_state(GrantStatus.reviewed, Action.put_on_notice)
    assert grant_lifecycle(True) is grant_lifecycle(True)


@pytest.mark.parametrize(
    ("state", "role"),
    [
        (GrantStatus.draft, Role.clerk),
        (GrantStatus.submitted, Role.reviewer),
        (GrantStatus.reviewed, Role.reviewer),
        (GrantStatus.on_notice, Role.reviewer),
        (GrantStatus.approved, Role.approver),
    ],
)
def test_grant_cancelled_from_any_state_before_paid(state, role):
    # DESIGN.md §4: cancelled from any state before paid; after approval only the approver undoes it.
    lifecycle = grant_lifecycle(True)
    assert lifecycle.check(state, Action.cancel, {role}) is GrantStatus.cancelled
    others = ALL_ROLES - {role}
    with pytest.raises(RoleNotAllowed):
        lifecycle.check(state, Action.cancel, others)


def test_paid_and_cancelled_grants_are_final():
    lifecycle = grant_lifecycle(True)
    for state in (GrantStatus.paid, GrantStatus.cancelled):
        assert lifecycle.allowed_actions(state) == []
        with pytest.raises(IllegalTransition) as caught:
            lifecycle.check(state, Action.cancel, ALL_ROLES)
        assert_chinese(caught.value.message, state.label, "取消")


def test_grant_returned_to_draft_by_whoever_acts_next():
    assert grant_lifecycle(True).role_for(Action.return_to_draft, GrantStatus.reviewed) is Role.reviewer
    assert grant_lifecycle(True).role_for(Action.return_to_draft, GrantStatus.on_notice) is Role.approver
    assert grant_lifecycle(False).role_for(Action.return_to_draft, GrantStatus.reviewed) is Role.approver
    with pytest.raises(IllegalTransition):
        grant_lifecycle(True).next_state(GrantStatus.approved, Action.return_to_draft)


def test_roles_of_actions():
    assert FILE_LIFECYCLE.role_for(Action.approve) is Role.approver
    assert FILE_LIFECYCLE.role_for(Action.submit) is Role.clerk
    assert FILE_LIFECYCLE.roles_for(Action.return_to_draft) == {Role.reviewer, Role.approver}
    assert FILE_LIFECYCLE.submitter_action is Action.submit
    assert FILE_LIFECYCLE.approver_action is Action.approve


def test_labels_are_chinese():
    for action in Action:
        assert_chinese(action.label)
