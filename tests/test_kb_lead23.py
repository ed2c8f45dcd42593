"""Policy questions the lead met filing through `disputebot chat` in stop 23: an employer asking
whether an employee's own refusal lets them skip paying is the waiver question (mandatory_waiver,
第六十条), not the employee's remedies; "老板没给我们买保险" (not paid, nothing said of a deduction)
is the remedies question, not deducted_not_paid."""
from __future__ import annotations

import pytest

from knowledge import load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


@pytest.mark.parametrize("question,expected", [
    ("我是老板 员工自己不愿意交社保 我能不给他交吗", "mandatory_waiver"),
    ("工人不肯买社保 我可以不给他们买吗", "mandatory_waiver"),
    ("他自己不愿意买社保 我们厂可以不给他买吗", "mandatory_waiver"),
    ("员工不肯交社保 公司能不交吗", "mandatory_waiver"),
    ("员工说不要社保 要现金 可以吗", "mandatory_waiver"),
    ("老板没给我们买保险 怎么办", "employee_remedies"),
    # neighbours that must keep their entries
    ("我工资条上每月扣了好几百社保，这是怎么扣的", "withholding"),
    ("公司每月扣社保但一直没给我交", "deducted_not_paid"),
    ("个税app上看到的收入跟社保基数不一样 能举报吗", "base_too_low"),
])
def test_lead23_questions(kb, question, expected):
    answer = kb.ask(question)
    assert not answer.declined and answer.entry_id == expected, (question, answer.entry_id)
