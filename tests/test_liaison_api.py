"""The liaison REST API over real HTTP, with the outbox dispatcher running in the app and
the fake robots / fake WeChat API receiving what it sends."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store.models import Case, utcnow
from routing.cases import add_supplement
from tests import test_cases as base
from tests.test_cases import PHONE, events, new_case, set_last_message

# Fixtures shared with test_cases.py (assigned, not imported, so linters see them used).
rules = base.rules

TAX = {"Authorization": "Bearer dev-token-tax"}
HRSS = {"Authorization": "Bearer dev-token-hrss"}
COURT = {"Authorization": "Bearer dev-token-court"}
LEADERSHIP = {"Authorization": "Bearer dev-token-leadership"}


@pytest.fixture
async def client(server, http):
    class Client:
        async def call(self, method: str, path: str, headers=None, **kw):
            async with http.request(method, server.make_url(path), headers=headers, **kw) as r:
                return r.status, await r.json(content_type=None)
    return Client()


async def test_without_a_valid_token_the_api_answers_401(server, client):
    assert (await client.call("GET", "/api/cases"))[0] == 401
    assert (await client.call("GET", "/api/cases", {"Authorization": "Bearer nope"}))[0] == 401
    assert (await client.call("GET", "/api/cases", {"Authorization": "dev-token-tax"}))[0] == 401


async def test_an_agency_sees_only_its_own_cases(server, client, rules):
    case = await new_case(server, rules)  # late fee: tax leads, nobody co-handles
    status, body = await client.call("GET", "/api/cases", TAX)
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [case.case_no]
    status, body = await client.call("GET", "/api/cases", COURT)
    assert status == 200 and body["cases"] == []
    assert (await client.call("GET", f"/api/cases/{case.case_no}", COURT))[0] == 404
    assert (await client.call("POST", f"/api/cases/{case.case_no}/resolve", COURT,
                              json={"result": "x"}))[0] == 404
    assert (await client.call("GET", "/api/cases/ZY20000101-0001", TAX))[0] == 404
    status, body = await client.call("GET", "/api/cases", LEADERSHIP)
    assert [c["case_no"] for c in body["cases"]] == [case.case_no]


async def test_contact_is_masked_unless_revealed_and_revealing_is_audited(
        server, client, rules, sm):
    case = await new_case(server, rules)
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert status == 200 and body["contact"]["phone"] == "138****5678"
    assert PHONE not in str(body)
    status, body = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", TAX)
    assert body["contact"] == {"name": "张三", "phone": PHONE,
                               "id_number": "440183199001011234", "revealed": True}
    viewed = [e for e in await events(sm, case) if e.kind == "contact_viewed"]
    assert [(e.actor, e.detail) for e in viewed] == [("tax", {"agency": "tax"})]


@pytest.mark.parametrize(("path", "kwargs", "message"), [
    ("/note", {"data": "{not json"}, "not valid JSON"),
    ("/note", {"json": ["text"]}, "JSON object"),
    ("/note", {"json": {}}, "`text`"),
    ("/note", {"json": {"text": 5}}, "`text`"),
    ("/request-info", {"json": {"text": "  "}}, "`text`"),
    ("/transfer", {"json": {"agency": "nobody", "reason": "不属于我局"}}, "`agency`"),
    ("/transfer", {"json": {"agency": "hrss"}}, "`reason`"),
    ("/resolve", {"json": {"result": "x" * 5000}}, "longer than"),
    ("/resolve", {"data": b"\xff\xfe"}, "not valid JSON"),
])
async def test_bad_input_is_a_400_with_a_message(server, client, rules, path, kwargs, message):
    case = await new_case(server, rules)
    status, body = await client.call("POST", f"/api/cases/{case.case_no}{path}", TAX, **kwargs)
    assert status == 400 and message in body["error"]


async def test_bad_query_flag_is_a_400(server, client):
    status, body = await client.call("GET", "/api/cases?overdue=maybe", TAX)
    assert status == 400 and "overdue" in body["error"]


async def test_resolve_notifies_the_payer_who_wrote_recently_by_customer_service_message(
        server, client, rules, sm, fake_api):
    await set_last_message(sm, "o-recent", utcnow() - timedelta(hours=1))
    case = await new_case(server, rules, openid="o-recent")
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                                     json={"result": "经核实，滞纳金已按规定减免。"})
    assert status == 200 and body["status"] == "resolved"
    await fake_api.messages.wait_for(2)
    resolved, feedback = fake_api.texts_to("o-recent")
    assert case.case_no in resolved
    assert "已办结" in resolved and "滞纳金已按规定减免" in resolved
    assert "1-5分" in feedback and "已解决" in feedback
    assert fake_api.templates.requests == []
    async with sm() as session:
        stored = await session.get(Case, case.id)
    assert stored.resolved_at is not None and stored.first_action_at is not None
    assert (await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                              json={"result": "again"}))[0] == 409


async def test_resolve_notifies_a_quiet_payer_by_template(server, client, rules, fake_api):
    case = await new_case(server, rules, openid="o-quiet")
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX, json={"result": "已退费"})
    sent = await fake_api.templates.wait_for(2)
    assert [s["data"]["keyword2"]["value"] for s in sent] == ["已办结", "待评价"]
    assert sent[0]["data"]["keyword3"]["value"] == "已退费"
    assert fake_api.messages.requests == []


async def test_transfer_moves_the_case_to_the_new_lead_group_and_tells_the_payer(
        server, client, rules, sm, fake_webhook, fake_api):
    await set_last_message(sm, "o-moved", utcnow())
    case = await new_case(server, rules, openid="o-moved")
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                     json={"agency": "hrss", "reason": "属于基数核定，应由人社局牵头"})
    assert status == 200 and body["lead_agency"] == "hrss" and body["status"] == "assigned"
    # the tax card, the hrss card and note, and tax's own group told where its case went
    await fake_webhook.posts.wait_for(4)
    hrss = [str(b) for b in fake_webhook.to_key("dev-key-zc-hrss")]
    assert case.case_no in hrss[0] and "区人力资源和社会保障局" in hrss[0]
    assert "由区税务局转来" in hrss[1]
    texts = await fake_api.messages.wait_for(1)
    assert "已转由区人力资源和社会保障局办理" in texts[0]["text"]["content"]
    # tax tracks the case it passed on (跟踪、反馈): it reads it but no longer steers it.
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert status == 200 and [a["action"] for a in body["actions"]] == ["note"]
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                                     json={"result": "x"})
    assert (status, body["code"]) == (403, "forbidden")
    assert (await client.call("GET", f"/api/cases/{case.case_no}", HRSS))[0] == 200
    kinds = [(e.kind, e.actor) for e in await events(sm, case)]
    assert kinds[-2:] == [("transferred", "tax"), ("assigned", "tax")]


async def test_co_handlers_may_add_notes_but_not_resolve(server, client, rules, sm):
    case = await new_case(server, rules, category="contribution_base")  # hrss leads, tax co
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                              json={"text": "已核对缴费记录"}))[0] == 200
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                                     json={"result": "x"})
    assert status == 403 and "lead" in body["error"]
    assert [e.actor for e in await events(sm, case)][-1] == "tax"


async def test_accept_and_request_info_record_events_and_ask_the_payer(
        server, client, rules, sm, fake_api):
    await set_last_message(sm, "o-info", utcnow())
    case = await new_case(server, rules, openid="o-info")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX))[0] == 200
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX))[0] == 409
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/request-info", TAX,
                                     json={"text": "请提供2025年1-6月工资条"})
    assert status == 200 and body["awaiting_info"] is True
    texts = await fake_api.messages.wait_for(2)
    assert "需要补充材料" in texts[1]["text"]["content"]
    assert "工资条" in texts[1]["text"]["content"]
    async with sm() as session:
        stored = await session.get(Case, case.id)
    assert stored.status == "accepted" and stored.first_action_at is not None
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds == ["registered", "assigned", "accepted", "info_requested"]


async def test_filters_by_status_category_and_overdue(server, client, rules):
    await new_case(server, rules)
    refund = await new_case(server, rules, category="refund")
    await client.call("POST", f"/api/cases/{refund.case_no}/accept", TAX)
    status, body = await client.call("GET", "/api/cases?status=accepted", TAX)
    assert [c["case_no"] for c in body["cases"]] == [refund.case_no]
    status, body = await client.call("GET", "/api/cases?category=refund", TAX)
    assert [c["case_no"] for c in body["cases"]] == [refund.case_no]
    status, body = await client.call("GET", "/api/cases?overdue=1", TAX)
    assert status == 200 and body["cases"] == []
    status, body = await client.call("GET", "/api/cases?overdue=0", TAX)
    assert body["count"] == 2


async def test_a_long_list_says_how_many_match_in_all_and_pages(server, client, rules):
    made = [await new_case(server, rules) for _ in range(5)]
    status, body = await client.call("GET", "/api/cases?limit=2", TAX)
    assert status == 200 and body["count"] == 2 and body["total"] == 5
    status, rest = await client.call("GET", "/api/cases?limit=2&offset=4", TAX)
    seen = [c["case_no"] for c in body["cases"]] + [c["case_no"] for c in rest["cases"]]
    assert rest["count"] == 1 and len(set(seen)) == 3
    assert {c.case_no for c in made} >= set(seen)
    status, body = await client.call("GET", "/api/cases?overdue=0&limit=1", TAX)
    assert body["total"] == 5
    for bad in ("limit=0", "limit=abc", "offset=-1", "limit=99999"):
        status, body = await client.call("GET", f"/api/cases?{bad}", TAX)
        assert status == 400, bad


@pytest.mark.parametrize("query", ["status=bogus", "status=已受理", "category=pension"])
async def test_an_unknown_filter_value_is_refused_not_answered_with_no_cases(
        server, client, rules, query):
    await new_case(server, rules)
    status, body = await client.call("GET", f"/api/cases?{query}", TAX)
    assert status == 400
    assert "unknown" in body["error"] and "one of" in body["error"]


async def test_a_case_cannot_be_passed_back_to_an_agency_that_transferred_it_away(
        server, client, rules, sm):
    """Regression: tax → hrss → tax → hrss … was accepted without end, each hop a new card
    and a new "已转办" notice to the payer. Handing back is now a 409 naming the leadership
    office, which may still decide the lead."""
    case = await new_case(server, rules)
    url = f"/api/cases/{case.case_no}/transfer"
    assert (await client.call("POST", url, TAX, json={"agency": "hrss", "reason": "基数核定"}))[0] == 200
    status, body = await client.call("POST", url, HRSS, json={"agency": "tax", "reason": "退回"})
    assert status == 409 and "leadership" in body["error"]
    assert (await client.call("POST", url, HRSS,
                              json={"agency": "healthcare", "reason": "医保核定"}))[0] == 200
    status, _ = await client.call("POST", url, {"Authorization": "Bearer dev-token-healthcare"},
                                  json={"agency": "tax", "reason": "又转回"})
    assert status == 409  # a longer loop is refused too
    status, body = await client.call("POST", url, LEADERSHIP,
                                     json={"agency": "tax", "reason": "领导小组确定由税务牵头"})
    assert status == 200 and body["lead_agency"] == "tax"
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds.count("transferred") == 3


@pytest.mark.parametrize("raw", ["%00", "ZY20261123-0001%0A", "%E2%80%AE" + "9" * 30,
                                 "%20" * 900 + "ZY1", "..%2F..%2Fetc", "%F0%9F%98%80"])
async def test_odd_case_numbers_are_a_short_one_line_404(server, client, rules, raw):
    await new_case(server, rules)
    status, body = await client.call("GET", f"/api/cases/{raw}", TAX)
    assert status == 404
    assert body["error"].isprintable() and len(body["error"]) < 70


async def test_case_numbers_as_liaisons_type_them_find_the_case(server, client, rules):
    case = await new_case(server, rules)
    for typed in (case.case_no.lower(), case.case_no.replace("-", "－"),
                  "%20" + case.case_no + "%20"):
        status, body = await client.call("GET", f"/api/cases/{typed}", TAX)
        assert status == 200 and body["case_no"] == case.case_no


async def test_masked_view_hides_the_payers_name_typed_into_their_text(server, client, rules,
                                                                       sm):
    """Regression: contact.name read "张*" while the description beside it said "我叫张三"."""
    case = await new_case(server, rules, description="我叫张三，滞纳金太多",
                          desired_outcome="张三要求减免")
    async with sm() as session:
        stored = await session.get(Case, case.id)
        await add_supplement(session, stored, "张三补充：工资条", actor="payer")
        await session.commit()
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert status == 200 and "张三" not in str(body)
    assert body["description"] == "我叫张*，滞纳金太多"
    status, body = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", TAX)
    assert "我叫张三" in body["description"]
