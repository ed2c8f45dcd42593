"""Blind policy questions kb_fresh21.jsonl (round 19 of the knowledge base): the question buried
in a personal story, employers / HR / accountants, flexible workers (灵活就业), rural and urban
residents (城乡居民), contribution bases and their local bounds, 滞纳金 worked with numbers, refunds
of double payment, transfer between cities (转移接续), and declines with the office to ask; then
the class fixes for its misses."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from tests.kb_scoring import rows, score_single


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh21_set(kb):
    """108 questions written blind, 28 to decline. Baseline 67/80, 28/28, 9 wrong (4 in-scope
    questions declined); after 80/80, 28/28, 0."""
    assert len(rows("kb_fresh21.jsonl")) == 108
    assert score_single(kb, "kb_fresh21.jsonl") == (80, 28, 0)


def test_fresh21_declines_name_the_office(kb):
    """A decline says where to go: every labelled hotline of the set is the one given."""
    labelled = [row for row in rows("kb_fresh21.jsonl") if row.get("hotline")]
    assert len(labelled) >= 18
    for row in labelled:
        answer = kb.ask(row["question"])
        assert answer.declined and answer.hotline == row["hotline"], row["question"]


@pytest.mark.parametrize("question,expected", [
    ("听邻居说要交够十五年才给发 我这才交了九年 还差六年 咋弄", "pension_under_15_years"),
    ("我在杭州干了四年 公司给交着社保 最近家里有事 准备去武汉发展 杭州交的那几年咋整 带得走吗",
     "transfer_pension"),
    ("在好几个城市交过社保 退休时养老金怎么算", "transfer_pension"),
    ("上个月跳槽 新旧两个单位都给我交了 多的那份能退吗", "duplicate_refund"),
    ("征收机构把基数算错多收了 能要回来吗", "duplicate_refund"),
    ("人事问下 新同事下周三入职 社保登记最晚啥时候要办好", "register_after_hiring"),
    ("外卖平台不给我们交社保 我跑了两年了 像我们这种能自己交吗", "flexible_enrol"),
    ("儿子在老家读小学 户口也在老家 他的居民医保在哪交", "resident_medical"),
    ("缴费基数上限是各地自己定的吗", "contribution_base_bounds"),
    ("工资才一千八 社保按最低基数交 比工资还多 正常吗", "contribution_base_bounds"),
    ("老板让全员按下限交社保 我工资一万多", "base_too_low"),
    ("会计问下 这个月社保申报晚了几天 滞纳金怎么算", "late_fee")])
def test_fresh21_class_fixes(kb, question, expected):
    """Declined or wrong before: 邻居 (hearsay) and 户口也在老家 were read as other offices'
    topics, 差六年 was no shortfall, 交的那几年 named no insurance and 带得走 no transfer, 好几个
    城市 was no other place, 两个单位都给我交了 no double payment, 要回来 no refund, 最晚 / 办好
    were unknown words beside 登记, a platform that does not pay hid the rider's own question,
    全国 / 各地 was no question of bounds, a wage below the bound (按最低基数 比工资还多) read as
    under-reporting and 按下限交 did not, and 这个月 beside 申报 outweighed the late fee asked."""
    assert kb.ask(question).entry_id == expected


@pytest.mark.parametrize("question,expected", [
    ("我换了两个单位 都没给我交社保", None),
    ("两个孩子都交了居民医保", "resident_medical"),
    ("工资低于社保下限按下限交吗", "contribution_base_bounds"),
    ("公司给我交的社保基数比工资低很多 去哪里投诉", "base_too_low"),
    ("我看老文件写滞纳金按日2‰，现在是不是还按这个", "late_fee_old_rate"),
    ("滞纳金", "late_fee"),
    ("单位忘了申报社保按什么标准交", "no_declaration")])
def test_fresh21_fixes_keep_their_neighbours(kb, question, expected):
    """Two payers are a double payment only when both paid (not 都没给我交, not two children);
    a wage below the bound and a base below the wage stay apart; 按日 is the old rate's word."""
    assert kb.ask(question).entry_id == expected
