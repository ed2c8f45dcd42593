"""Blind policy questions, round 22 of the knowledge base: payers in particular situations, typed
on a phone with a story and typos — retirees and people a few years short of retirement, students
and interns, part-time and hourly workers, platform riders and drivers, domestic workers, rural
residents (新农合, 城乡居民), people between jobs or moved to another province, pregnant workers
and parents, injured workers, the family of a worker who died, owners of a business with one to
three staff; questions that must be declined with the office they must name; and follow-ups
asked right after an answer."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from knowledge.followup import ask_after
from tests.test_kb_fresh23 import score as fresh23_score

# (question, expected entry — a tuple when two entries settle it — or None to decline, hotline
# the decline must give)
SET = [
    # retirees and people near retirement
    ('我今年57了 养老保险才交了11年 还差几年 到60岁退休的时候不够15年咋办啊', 'pension_under_15_years', None),
    ('俺爹交了十三年社保 明年就到退休年龄了 不满15年是不是就白交了', 'pension_under_15_years', None),
    ('我快退休了 养老保险一共要交满几年才能每个月领钱', 'pension_15_years', None),
    ('我都退休了 每个月领养老金 医保还用不用接着交啊', 'medical_after_retirement', None),
    ('快退休了想问下养老金是咋算出来的 跟交的年限有关系不', 'pension_amount', None),
    ('退休前在浙江交了8年 后来回河南老家又交了9年 养老保险能合到一起算吗', 'transfer_pension', None),
    ('我还差三年退休 公司突然不给交了 断了这几年以后能补吗', 'back_payment', None),
    ('听说延迟退休了 我66年的女工人 到底哪年能退', None, '12333'),
    ('我是69年的男的 延迟退休以后我要干到多少岁才能退休', None, '12333'),
    ('退休了还在小区当保安 老板要不要给我交社保', None, '12333'),
    ('退了休每个月养老金几号打到卡上啊', None, '12333'),
    ('我退休了养老金一个月才2000 能不能帮我查查是不是算少了', None, '12333'),
    # students and interns
    ('我是大三学生 暑假在公司实习 公司要给实习生交社保吗', None, '12366'),
    ('在校生去厂里实习 受伤了算不算工伤啊 学校说找厂里 厂里说找学校', None, '12333'),
    ('刚毕业入职 hr说前三个月试用期不交社报 转正才交 这样可以吗', 'probation_period', None),
    ('毕业了还没找到工作 社保可以自己先交着吗 灵活就业那种', 'flexible_enrol', None),
    # part-time and hourly workers
    ('我在超市做非全日制 一天干4小时 超市说不给交养老 我能自己交吗', 'flexible_enrol', None),
    ('我是小时工 按小时拿钱 老板要给我交工伤保险吗', None, '12333'),
    ('打两份零工 没有单位 自己交社保一个月要交多少钱', 'flexible_payment', None),
    ('兼职送快递的 公司说兼职的不用交社保 真的吗', None, '12333'),
    # platform riders and drivers
    ('跑外卖的 美团平台不给交社保 我自己能以灵活就业身份交养老和医保吗', 'flexible_enrol', None),
    ('开网约车的 送外卖被车撞了 平台说我不是他们员工 算不算工伤', None, '12333'),
    ('我是外卖骑手 平台到底要不要给我们交社保啊', None, '12333'),
    ('网约车司机 自己交社保 交多少档次可以自己选吗', 'flexible_payment', None),
    ('跑滴滴三年了一直没交社保 现在想交 以前的能补吗', 'back_payment', None),
    # domestic workers
    ('我在雇主家当保姆好几年了 雇主要给我交社保吗', None, '12333'),
    ('家里请了个住家阿姨 我们家需要给她交社保吗', None, '12366'),
    ('我是做家政的 没单位 自己想交个养老保险 能交吗', 'flexible_enrol', None),
    # rural residents
    ('我们农村的 新农合今年啥时候交 一年交多少', 'resident_medical', None),
    ('农村户口 在城里打工 公司说农民工不用交社保 对吗', 'migrant_workers', None),
    ('俺是农村的 城乡居民养老保险咋参加 到60岁能领多少', 'resident_pension', None),
    ('家里是低保户 新农合有没有补贴 能少交点不', 'resident_medical_subsidy', None),
    ('新农合住院能报销百分之多少', None, '12393'),
    ('我家的地被征了 村里说给交社保 这个咋弄的', 'land_acquired_farmers', None),
    ('交了城乡居民养老 又去厂里上班交了职工养老 两个能一起交吗', None, '12333'),
    ('新农合在外地住院 能直接结算吗 还是要回老家报', 'medical_offsite', None),
    # between jobs
    ('上个月被公司裁了 失业金要啥条件才能领', 'unemployment_benefit', None),
    ('辞职在家半年了 社保断了 以前交的还算不算', 'flexible_stop', None),
    ('领失业金这段时间 医保谁给我交啊 会不会断', 'unemployment_medical', None),
    ('失业金能领多久 我交了6年', 'unemployment_duration', None),
    ('换工作中间空了两个月没交社保 医保还能用吗 看病能报销吗', 'medical_lapse', None),
    ('领着失业金呢 找到个临时工作 失业金还能接着领吗', 'unemployment_stop', None),
    ('离职的时候公司要给我办啥社保手续 公司说不管', 'employer_leaving_duties', None),
    ('失业金一个月能领多少钱 帮我算算', None, '12333'),
    # moved provinces
    ('从广东回老家湖南上班了 养老保险要怎么转过来', 'transfer_pension', None),
    ('在上海交了5年社保 现在去成都了 医保能转过去吗', 'transfer_pension', None),
    ('在老家看病 医保是外地的 可以直接刷吗 要不要先备案', 'medical_offsite', None),
    ('换了城市 社保卡要重新办吗', None, '12333'),
    # pregnant workers and parents
    ('怀孕了公司就不给我交社保了 还说生孩子的钱没有 我该咋办', ('employee_remedies', 'maternity_benefits'), None),
    ('我怀孕5个月了 生育津贴是怎么算的 按啥工资', 'maternity_benefits', None),
    ('生孩子能报多少 生育保险都管啥', 'maternity_benefits', None),
    ('生育保险要我自己掏钱交吗 还是公司交', 'maternity_who_pays', None),
    ('产假到底是多少天 公司只给休98天', None, '12333'),
    ('老婆没工作 我交了生育保险 她生孩子能报吗', 'maternity_benefits', None),
    ('上环结扎这种手术生育保险能报吗', 'maternity_family_planning', None),
    ('孩子刚出生 怎么给他办医保', 'resident_medical', None),
    # injured workers
    ('下班骑电动车回家路上被车撞了 这种算工伤吗', 'injury_what_counts', None),
    ('在车间干活突然心梗没了 算工伤吗 家里人都懵了', 'injury_deemed', None),
    ('手被机器压了 公司没给交工伤保险 医药费谁出', 'injury_without_insurance', None),
    ('受伤一个多月了公司还不去申请工伤认定 我自己能申请吗 有时间限制不', 'injury_application', None),
    ('工伤在家养伤 公司说不上班就不发工资 对吗', 'injury_leave', None),
    ('工伤鉴定是几级 这个咋申请的', 'disability_assessment', None),
    ('评了九级伤残 能拿到哪些钱', 'disability_benefits', None),
    ('老板说给我两万块私了 不报工伤了 划算吗', None, '12333'),
    ('厂子没营业执照 在里面干活把脚砸了 找谁赔', 'injury_unlicensed', None),
    ('喝了酒上班摔伤了 还能算工伤不', 'injury_excluded', None),
    ('工伤认定下来了 说不是工伤 我不服咋办', 'injury_appeal', None),
    # family of a deceased worker
    ('我老公在工地上出事走了 算工亡 家里能领到哪些钱 丧葬费有吗', 'injury_death', None),
    ('我爸交了二十年养老保险 没退休就病死了 家里能领丧葬费抚恤金吗', 'pension_survivor', None),
    ('我妈退休了领养老金 去年去世了 她个人账户里剩的钱能继承吗', 'pension_survivor', None),
    ('父亲因工去世了 供养亲属抚恤金是怎么发的', 'injury_death', None),
    ('家里老人去世了 丧葬费具体能领多少钱 我们这边是几千还是几万', 'pension_survivor', None),
    ('老人去世了 还在领的养老金没去停 会怎么样', 'benefit_fraud', None),
    # small business owners with one to three staff
    ('我开了个小饭馆 就雇了2个服务员 也得给他们交社保吗', 'individual_business_employees', None),
    ('小店就我和一个帮工 我自己的社保怎么交', 'individual_business_employees', None),
    ('刚注册了个小公司 就三个人 多久之内要去办社保登记', 'employer_registration', None),
    ('新招了个店员 多久要给他交上社保', 'register_after_hiring', None),
    ('小公司生意不好 三个员工的社保能不能先欠着缓几个月再交', 'no_deferral', None),
    ('店里员工签了不要社保的协议 我是不是就不用给他交了', 'mandatory_waiver', None),
    ('我们小公司晚交了两个月社保 滞纳金怎么算', 'late_fee', None),
    ('员工个人那部分社保 是我从工资里扣了替他交吗', 'withholding', None),
    ('小作坊老板 员工社保按最低基数交行不行', 'base_too_low', None),
    ('开个体店的 雇了人 营业执照年检怎么弄', None, '12345'),
    ('小店要交残保金吗 3个员工', None, '12366'),
    # other declines
    ('我在老家 想问下孩子上学要交社保证明 外地户口去哪开', 'payment_certificate', None),
    ('给爸妈交城乡居民医保 能用我的医保个人账户钱交吗', None, '12393'),
]

# (question asked first, follow-up asked right after, expected entry or None to decline)
FOLLOWUPS = [
    ('公司不交社保会受到什么处罚', '那滞纳金谁出', 'late_fee'),
    ('失业金要什么条件才能领', '那能领几个月', 'unemployment_duration'),
    ('灵活就业人员可以自己交社保吗', '那一个月交多少', 'flexible_payment'),
    ('养老保险要交满多少年', '那要是不够呢', 'pension_under_15_years'),
    ('生育保险有什么待遇', '那谁交啊', 'maternity_who_pays'),
]


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def score(kb) -> tuple[int, int, int, int]:
    return fresh23_score(kb, SET)


def test_fresh24_set(kb):
    """64 to answer, 22 to decline. Old code with the corrected labels (nine corrected after the
    first run: 社保证明, 丧葬费标准, 医保转移, 未就业配偶, 新生儿医保, 个体户本人, 以前的补缴
    are settled by an entry; 交社保 names 12366 for a low-score decline as in test_kb_ranking):
    75/86 right, 6 wrong answers (5 answered that must be declined), 3 declined in scope, 2
    declines naming another office."""
    assert score(kb) == (len([r for r in SET if r[1]]), len([r for r in SET if not r[1]]), 0, 0)


def test_fresh24_declines_name_the_office(kb):
    labelled = [(q, hotline) for q, expected, hotline in SET if expected is None and hotline]
    assert len(labelled) >= 20
    for question, hotline in labelled:
        answer = kb.ask(question)
        assert answer.declined and answer.hotline == hotline, question


@pytest.mark.parametrize("first,second,expected", FOLLOWUPS)
def test_fresh24_followups(kb, first, second, expected):
    topic = ask_after(kb, first, None).topic
    answer = ask_after(kb, second, topic).answer
    assert answer.entry_id == expected
    assert answer.declined == (expected is None)


def test_fresh24_what_counts_after_the_boss_says_no(kb):
    """The payer asks which cases count; injury_excluded (its requires 不算) answers which do not.
    Fixed in round 25: the employer's denial followed by a question of what counts is story
    (lexicon.yaml dismissals)."""
    assert kb.ask("在工地上干活从架子上摔下来了 老板说不算工伤 哪些情况能算工伤").entry_id == \
        "injury_what_counts"


def test_fresh24_flexible_worker_after_an_uninsured_injury(kb):
    """No statute here insures a flexible worker against work injury: must be declined. Fixed in
    round 27: a swap skips individual_business_employees (no 雇/请) and flexible_enrol (no 工伤)."""
    topic = ask_after(kb, "单位没给员工交工伤保险 员工受伤了怎么办", None).topic
    assert ask_after(kb, "那如果是灵活就业呢", topic).answer.declined
