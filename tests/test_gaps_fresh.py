"""Three gaps found in real chats: a short "那怎么办呢" after a grievance or a policy answer,
a phone number typed with dots, tildes or zero-width characters between its groups, and
"这是工资条" typed at the employer question."""
from __future__ import annotations

import pytest

from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question

STORY = "我在厂里干了三年 老板一直没给我买社保 现在我要辞职了 能不能要求赔偿"
REMEDIES = "第八十三条"  # the employee_remedies entry: what a payer can do about the employer
COMFORT = "别难过"


# --- 1. "那怎么办呢" after a story or a policy answer ------------------------------------

@pytest.mark.parametrize("first", [STORY, "公司没给我交社保 怎么办"])
@pytest.mark.parametrize("then", ["那怎么办呢", "那我该怎么办"])
async def test_what_to_do_after_a_story_reaches_the_knowledge_base(platform, config, first, then):
    """The story itself gets the remedies; asked what to do next, the payer is not given them
    a second time word for word (stop 28) but the registration, with that story."""
    openid = f"todo-{len(first)}-{then}"
    answered = await say(platform, openid, first)
    assert REMEDIES in answered, answered
    reply = await say(platform, openid, then)
    assert FALLBACK not in reply and COMFORT not in reply and REMEDIES not in reply, reply
    assert "登记" in reply, reply
    assert (await slots_of(config, openid)).get("description") == first


@pytest.mark.parametrize("then,expected", [("那怎么办呢", FALLBACK), ("那我该怎么办", COMFORT)])
async def test_what_to_do_without_context_is_unchanged(platform, then, expected):
    reply = await say(platform, f"todo-alone-{then}", then)
    assert expected in reply and REMEDIES not in reply, reply


async def test_what_to_do_inside_a_form_is_no_policy_answer(platform, config):
    openid = "todo-form"
    await say(platform, openid, "社保断交了怎么补")
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "那我该怎么办")
    assert "单位" in reply and REMEDIES not in reply, reply
    assert not (await slots_of(config, openid)).get("employer")


# --- 2. phone numbers with other joiners or invisible characters --------------------------

@pytest.mark.parametrize("typed", ["139•8765•4321", "139~8765~4321", "139\u200b8765\u200b4321",
                                   "1398\u200d765\u200c4321", "139·8765·4321"])
async def test_phone_with_other_joiners_is_read_and_masked(platform, config, typed):
    openid = f"phone-join-{typed.encode('unicode_escape').decode()}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, typed)
    assert (await slots_of(config, openid)).get("phone") == "13987654321", reply
    assert "13987654321" not in reply and "8765" not in reply


async def test_phone_with_joiners_is_masked_in_the_summary(platform, config):
    from tests.test_dialogue import ANSWERS, finish_form
    openid = "phone-join-summary"
    reply = await say(platform, openid, "公司一直没给我交社保")
    summary = await finish_form(platform, openid, reply, {**ANSWERS, "电话": "139•8765•4321"})
    assert "139****4321" in summary, summary


# --- 3. words about material at the employer question -------------------------------------

@pytest.mark.parametrize("said", ["这是工资条", "这是合同", "这是截图", "这个是劳动合同"])
async def test_material_at_the_employer_question_is_no_employer(platform, config, said):
    openid = f"material-employer-{said}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, said)
    assert not (await slots_of(config, openid)).get("employer"), reply
    assert "单位" in reply and "图片" in reply and "证据" in reply, reply


async def test_an_employer_named_after_material_words_is_still_taken(platform, config):
    openid = "material-then-employer"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "这是工资条")
    await say(platform, openid, "广州宏达电子厂")
    assert (await slots_of(config, openid)).get("employer") == "广州宏达电子厂"
