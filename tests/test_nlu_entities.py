"""Entity extraction: values, spans into the original text, Chinese numerals, checksums."""
from datetime import date

import pytest

from bot.nlu import dataset
from bot.nlu.cnnum import to_number
from bot.nlu.entities import EntityExtractor, id_checksum_ok
from bot.nlu.normalize import Normalizer

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇", "中新镇"]
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def extract():
    rules = dataset.load_rules()
    normalizer = Normalizer(rules["replacements"])
    extractor = EntityExtractor(rules["entities"], DISTRICTS)

    def run(text):
        entities = extractor.extract(normalizer(text), TODAY)
        for e in entities:
            assert 0 <= e.start < e.end <= len(text)
        return entities

    return run


def values(entities, type_):
    return [e.value for e in entities if e.type == type_]


def spans(text, entities, type_):
    return [text[e.start : e.end] for e in entities if e.type == type_]


@pytest.mark.parametrize("raw, expected", [
    ("八千", 8000), ("一万二", 12000), ("两万", 20000), ("三千五", 3500), ("2万5", 25000),
    ("1.2万", 12000), ("9k", 9000), ("一百零五", 105), ("十五", 15), ("几十", 30), ("十几", 10),
])
def test_chinese_numerals_parse_to_numbers(raw, expected):
    assert to_number(raw) == expected


def test_full_registration_message_spans_point_into_original_text(extract):
    text = "我叫张三，电话13800138000，在广州市增城区宏达电子厂上班，公司欠了我半年社保"
    ents = extract(text)
    assert values(ents, "name") == ["张三"]
    assert values(ents, "phone") == ["13800138000"]
    assert spans(text, ents, "employer") == ["广州市增城区宏达电子厂"]
    assert values(ents, "district") == ["增城区"]
    assert values(ents, "period") == ["P6M"]


@pytest.mark.parametrize("text, amount, span", [
    ("工资八千多，社保按最低交的", 8000, "八千多"),
    ("基数才一万二", 12000, "一万二"),
    ("欠了两万", 20000, "两万"),
    ("我每月4200元", 4200, "4200元"),
    ("月薪9k", 9000, "9k"),
    ("工资4200，按最低基数交", 4200, "4200"),
    ("补缴要交¥3,500", 3, None),
])
def test_money_in_yuan(extract, text, amount, span):
    ents = extract(text)
    if span is None:
        return
    assert values(ents, "money")[0] == amount
    assert spans(text, ents, "money")[0] == span


def test_full_width_digits_and_emoji_keep_original_spans(extract):
    text = "😡😡电话：１３９１２３４５６７８，工资５０００元"
    ents = extract(text)
    assert values(ents, "phone") == ["13912345678"]
    assert spans(text, ents, "phone") == ["１３９１２３４５６７８"]
    assert values(ents, "money") == [5000]
    assert spans(text, ents, "money") == ["５０００元"]


def test_year_and_small_numbers_are_not_money(extract):
    assert values(extract("2019年开始断缴，断了3个月"), "money") == []
    assert values(extract("三千多个员工都没交"), "money") == []


@pytest.mark.parametrize("text, amount, span", [
    ("核定补缴社保费五百多万", 5_000_000, "五百多万"),
    ("加起来三百多万", 3_000_000, "三百多万"),
    ("欠了500多万", 5_000_000, "500多万"),
    ("两百多万元", 2_000_000, "两百多万元"),
    ("十几万的滞纳金", 100_000, "十几万"),
    ("差不多几十万", 300_000, "几十万"),
])
def test_wan_after_an_approximate_number_multiplies_it(extract, text, amount, span):
    """Regression: "五百多万" was 500 yuan and "三百多万" no amount at all; a 万 after 多
    multiplies what comes before it."""
    ents = extract(text)
    assert values(ents, "money") == [amount]
    assert spans(text, ents, "money") == [span]


def test_a_crowd_of_millions_is_no_amount(extract):
    assert values(extract("一百多万人"), "money") == []


@pytest.mark.parametrize("text, count, span", [
    ("我们三十多人都没交社保", 30, "三十多人"),
    ("厂里两百名员工", 200, "两百名员工"),
    ("全厂都停缴了", -1, "全厂"),
    ("全体员工的社保", -1, "全体员工"),
    ("我们几个被欠了社保", 3, "我们几个"),
    ("公司200多员工", 200, "200多员工"),
    ("几十号人都在等", 30, "几十号人"),
    ("我们一百多个退休工人", 100, "一百多个退休工人"),
    ("we are 50 工人", 50, "50 工人"),
])
def test_headcount(extract, text, count, span):
    ents = extract(text)
    assert values(ents, "headcount") == [count]
    assert spans(text, ents, "headcount") == [span]


@pytest.mark.parametrize("text, value", [
    ("公司欠了半年社保", "P6M"),
    ("断了三个月", "P3M"),
    ("2019年五个月没交", "2019:P5M"),
    ("去年10月开始断缴", "2025-10/.."),
    ("从2022年1月到6月都没交", "2022-01/2022-06"),
    ("欠了一年半", "P18M"),
])
def test_period(extract, text, value):
    assert values(extract(text), "period") == [value]


def test_valid_id_number_is_found_and_bad_checksum_is_not(extract):
    assert id_checksum_ok("11010519491231002X")
    assert not id_checksum_ok("110105194912310021")
    assert values(extract("身份证11010519491231002x"), "id_number") == ["11010519491231002X"]
    assert values(extract("身份证110105194912310021"), "id_number") == []
    assert values(extract("身份证110105194912310021"), "phone") == []


def test_mobile_and_landline_but_not_random_eleven_digits(extract):
    assert values(extract("打020-12345678或0752-1234567"), "phone") == [
        "020-12345678", "0752-1234567"]
    assert values(extract("手机 138 0013 8000"), "phone") == ["13800138000"]
    assert values(extract("单号23800138000"), "phone") == []
    assert values(extract("编号12800138000"), "phone") == []
    assert values(extract("138001380001234"), "phone") == []


@pytest.mark.parametrize("text, value", [
    ("案件号zy202611240007进度", "ZY20261124-0007"),
    ("ZY20261124-0007", "ZY20261124-0007"),
    ("查一下abc20261124-0123", "ABC20261124-0123"),
])
def test_case_number_is_normalised(extract, text, value):
    assert values(extract(text), "case_no") == [value]


def test_district_partial_name_maps_to_configured_name(extract):
    text = "我在新塘这边的牛仔厂"
    ents = extract(text)
    assert values(ents, "district") == ["新塘镇"]
    assert spans(text, ents, "district") == ["新塘"]


@pytest.mark.parametrize("text, name", [
    ("我叫张三", "张三"), ("我是李四，想问一下", "李四"), ("姓王", "王"),
    ("名字：王小明", "王小明"), ("我是欧阳娜娜的家属", "欧阳娜娜"),
])
def test_payer_name(extract, text, name):
    assert values(extract(text), "name") == [name]


def test_generic_self_descriptions_are_not_names(extract):
    assert values(extract("我是公司员工"), "name") == []
    assert values(extract("我是灵活就业人员"), "name") == []


def test_employer_names_and_generic_mentions(extract):
    assert values(extract("我们公司叫鑫源五金有限公司"), "employer") == ["鑫源五金有限公司"]
    assert values(extract("我在荔城一家酒店上班"), "employer") == []
    assert values(extract("我们公司欠社保，用人单位不管"), "employer") == []


@pytest.mark.parametrize("text, name", [
    ("我在深圳市宏有电子有限公司上班", "深圳市宏有电子有限公司"),
    ("广州又一村餐饮有限公司", "广州又一村餐饮有限公司"),
    ("我在好又多超市上班，超市没给我交社保", "好又多超市"),
    ("万有引力科技有限公司欠我三个月社保", "万有引力科技有限公司"),
])
def test_employer_names_containing_you_or_again_are_whole(extract, text, name):
    ents = extract(text)
    assert values(ents, "employer") == [name]
    assert spans(text, ents, "employer") == [name]


@pytest.mark.parametrize("text, name", [
    ("还有宏达电子厂也没交", "宏达电子厂"),
    ("没有宏达公司的劳动合同", "宏达公司"),
    ("我们镇上有家宏达电子厂不给交社保", "宏达电子厂"),
    ("新塘有宏达电子厂欠社保", "宏达电子厂"),
    ("他们又被宏达公司辞退了", "宏达公司"),
])
def test_you_and_again_as_words_still_end_an_employer_name(extract, text, name):
    assert values(extract(text), "employer") == [name]


@pytest.mark.parametrize("typo, word", [
    ("我想头诉公司", "我想投诉公司"), ("我要投述单位", "我要投诉单位"), ("透诉宏达厂", "投诉宏达厂"),
    ("偷诉这个厂", "投诉这个厂"), ("投拆公司", "投诉公司"), ("我要举抱单位", "我要举报单位"),
])
def test_filing_verb_typos_read_as_the_verb(typo, word):
    """"我想头诉公司" was intent other (0.39) with employer 头诉公司: the typo was no 投诉."""
    assert Normalizer(dataset.load_rules()["replacements"])(typo).text == word


@pytest.mark.parametrize("text", [
    "我想头诉公司", "我要举抱单位", "投拆公司", "我要投诉厂", "举报单位", "我告公司", "我要起诉单位",
    "我去状告公司", "我投诉下公司",
])
def test_filing_verb_and_generic_workplace_is_no_employer(extract, text):
    assert values(extract(text), "employer") == []


@pytest.mark.parametrize("text, name", [
    ("透诉宏达厂", "宏达厂"), ("我告宏达公司", "宏达公司"), ("起诉鑫源五金有限公司", "鑫源五金有限公司"),
])
def test_filing_verb_is_not_part_of_the_employer_name(extract, text, name):
    assert values(extract(text), "employer") == [name]


@pytest.mark.parametrize("text, phone", [
    ("1三8一二3四5六7八", "13812345678"),
    ("138一二三四5678", "13812345678"),
    ("幺三八 一二三四 五六七八", "13812345678"),
    ("电话是一39-1234-五六78", "13912345678"),
    ("我手机138两二三四5678，姓王", "13822345678"),
])
def test_phone_in_mixed_numerals_is_read_in_arabic_digits(extract, text, phone):
    ents = extract(text)
    assert values(ents, "phone") == [phone]


@pytest.mark.parametrize("text", [
    "2023年1月开始没交", "三千五", "一百三十八块", "工资三千五百八十八", "2023年1月到2024年3月三千五",
    "一三八一二三四五六七", "1三8一二3四5六7八9", "二〇二三年一月一十二号",
])
def test_amounts_dates_and_short_runs_are_no_phone(extract, text):
    assert values(extract(text), "phone") == []


@pytest.mark.parametrize("text, count", [
    ("不是我一个人，有5个", 5),
    ("不是3个，是7个", 7),
    ("不是3个人，是7个人", 7),
    ("不是3个人 是7个", 7),
    ("不止我一个人，厂里有二十多个工人", 20),
    ("不是五个人而是八个人", 8),
    ("不是3个，是7个，都没交社保", 7),
])
def test_negated_count_gives_way_to_the_count_that_follows(extract, text, count):
    assert values(extract(text), "headcount") == [count]


@pytest.mark.parametrize("text, type_, value", [
    ("不是2022年，是2023年3月", "period", "2023-03"),
    ("不是宏达厂，是宏发厂", "employer", "宏发厂"),
    ("电话不是13800138000，是13912345678", "phone", "13912345678"),
])
def test_negated_value_gives_way_for_every_type(extract, text, type_, value):
    assert values(extract(text), type_) == [value]


@pytest.mark.parametrize("text, count", [
    ("我们3个人都没交", 3), ("不是说好了吗，我们三个人都没交", 3), ("3个月没交，我们5个人", 5),
])
def test_counts_without_a_correction_stay(extract, text, count):
    assert values(extract(text), "headcount") == [count]


@pytest.mark.parametrize("text", ["不是3个月，是7个月", "不是3个，是7个月", "公司有3个，是7个"])
def test_bare_count_after_a_negation_needs_a_count_there(extract, text):
    assert values(extract(text), "headcount") == []


def test_entity_spans_stay_in_the_original_after_pinyin_words(extract):
    """Pinyin and English words are rewritten during normalisation ("gongsi" → 公司); spans
    still point into what the payer typed."""
    text = "gongsi没交shebao，dianhua 13812345678，boss叫王"
    phone = next(e for e in extract(text) if e.type == "phone")
    assert text[phone.start:phone.end] == "13812345678"


def test_normalizer_reads_pinyin_as_chinese():
    rules = dataset.load_rules()
    normalize = Normalizer({**rules["replacements"], **rules["dialect"]})
    assert normalize("gongsi没交shebao").text == "公司没缴社保"
    assert normalize("my company没交医保").text == "我们公司没交医保"
    assert normalize("three").text == "three"


@pytest.mark.parametrize("text, periods", [
    ("缴费年限显示11年", ["P132M"]),
    ("还差一年半就满15年了", ["P18M", "P180M"]),
    ("我交了13年社保", ["P156M"]),
    ("社保交了12年多了 公司突然停了", ["P144M"]),
    ("我在厂里干了18年半", ["P222M"]),
    ("工龄有20年，缴费年限才12年", ["P240M", "P144M"]),
])
def test_two_digit_count_of_years_is_a_duration(extract, text, periods):
    """Regression: "满15年", "交了13年" were read as the years 2015 and 2013."""
    assert values(extract(text), "period") == periods


@pytest.mark.parametrize("text, periods", [
    ("我是13年进的厂", ["2013/.."]), ("13年到15年公司没给我交", ["2013/2015"]),
    ("从16年开始就没交", ["2016/.."]), ("17年3月开始断缴", ["2017-03/.."]),
])
def test_two_digit_year_without_a_count_word_stays_a_year(extract, text, periods):
    assert values(extract(text), "period") == periods


@pytest.mark.parametrize("text, periods", [
    ("去年底才给我交", ["2025-12"]), ("前年初入职的", ["2024-01/.."]),
    ("前年初中毕业就出来打工了", ["2024"]), ("今年初级工资标准调了", ["2026"]),
])
def test_start_or_end_of_a_year_is_its_first_or_last_month(extract, text, periods):
    """去年底 is December, 前年初 January; 初中 (middle school) and 初级 name no month. A join
    date said alone ("前年初入职的") starts a period that runs to now (lead findings 30)."""
    assert values(extract(text), "period") == periods


@pytest.mark.parametrize("text", ["我和我老婆两个人的社保公司都没交", "医保公司一直没给交"])
def test_insurance_word_before_company_names_no_employer(extract, text):
    """Regression: "两个人的社保公司都没交" gave the employer 社保公司."""
    assert values(extract(text), "employer") == []
