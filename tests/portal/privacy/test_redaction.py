import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.privacy.redaction import (
    CHINESE_LABELS,
    ENGLISH_LABELS,
    Finding,
    PersonalDataKind,
    RedactionLabels,
    find_personal_data,
    labels_for_locale,
    redact,
)

PHONE, ID, EMAIL, CARD, NAME = (
    "[电话已隐去]",
    "[身份证号已隐去]",
    "[邮箱已隐去]",
    "[银行卡号已隐去]",
    "[已隐去]",
)

# The checksummed examples below are the ones printed in GB 11643 and the card networks' test numbers.
ID_X = "11010519491231002X"
ID_DIGIT = "440524188001010014"
VISA_TEST_CARD = "4111111111111111"
UNIONPAY_19 = "6228480012345678903"  # Luhn-valid
UNIONPAY_16 = "6222021234567894"  # Luhn-valid

# What counts as a mobile number left in the output: a run of exactly 11 digits shaped like one.
MOBILE_NUMBER = re.compile(r"(?<![0-9０-９])1[3-9][0-9]{9}(?![0-9０-９])")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的电话13912345678，请回电", f"我的电话{PHONE}，请回电"),
        ("电话：139-1234-5678。", f"电话：{PHONE}。"),
        ("139 1234 5678", PHONE),
        ("1391234 5678", PHONE),
        ("手机+86 139 1234 5678", f"手机{PHONE}"),
        ("+8613912345678", PHONE),
        ("＋86-13912345678", PHONE),
        ("008613912345678", PHONE),
        ("8613912345678", PHONE),
        ("１３９１２３４５６７８", PHONE),  # full-width digits from a Chinese input method
        ("号码是19912345678吗", f"号码是{PHONE}吗"),
        ("Tel:13912345678", f"Tel:{PHONE}"),
    ],
)
def test_mobile_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "masked", ["138****1234", "138 **** 1234", "138xxxx1234", "138XXXX1234", "1381234****", "138＊＊＊＊1234"]
)
def test_partly_masked_mobile_numbers_are_removed_too(masked: str) -> None:
    assert redact(f"联系人手机{masked}。") == f"联系人手机{PHONE}。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("座机0731-88888888", f"座机{PHONE}"),
        ("(0731)8888888", PHONE),
        ("（0731）88888888", PHONE),
        ("010-88888888", PHONE),
        ("010 8888 8888", PHONE),
        ("021-6888-1234", PHONE),
        ("07318888888", PHONE),
        ("+86 731 88888888", PHONE),
        ("+86-10-88888888", PHONE),
        ("0731-88888888转801", f"{PHONE}转801"),
        ("5(0731)8888888", f"5{PHONE}"),
    ],
)
def test_landlines_with_an_area_code(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "id_number",
    [
        ID_X,
        ID_X.lower(),
        ID_DIGIT,
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105491231002",
    ],
)
def test_resident_id_numbers(id_number: str) -> None:
    assert redact(f"身份证号{id_number}，") == f"身份证号{ID}，"


@pytest.mark.parametrize("masked", ["430102********1234", "430***********123X", "4301**********1234"])
def test_masked_id_numbers_are_removed_too(masked: str) -> None:
    assert redact(f"证件{masked}") == f"证件{ID}"


@pytest.mark.parametrize(
    "not_an_id",
    [
        "990105194912310025",  # no province 99
        "110105194913310020",  # month 13
        "1101051949123100",  # 16 digits
        "430102*****1234",  # too short to be a masked ID
    ],
)
def test_id_like_numbers_that_are_not_ids(not_an_id: str) -> None:
    assert ID not in redact(not_an_id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱zhang.san@example.com.cn谢谢", f"邮箱{EMAIL}谢谢"),
        ("123456789@qq.com", EMAIL),
        ("a+tag@mail.example.org", EMAIL),
        ("name＠163.com", EMAIL),
        ("写信到 li_si@gov.example.cn.", f"写信到 {EMAIL}."),
        ("abc@qq.com13912345678", f"{EMAIL}{PHONE}"),
    ],
)
def test_email_addresses(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"卡号{VISA_TEST_CARD}", f"卡号{CARD}"),
        ("卡号4111 1111 1111 1111", f"卡号{CARD}"),
        ("4111-1111-1111-1111", CARD),
        (f"工资卡{UNIONPAY_19}。", f"工资卡{CARD}。"),
        ("6222 0212 3456 7894 123元", f"{CARD} 123元"),  # the trailing group was an amount
    ],
)
def test_bank_cards(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_luhn_decides_whether_a_long_number_is_a_card() -> None:
    # Documented trade-off: a Luhn-valid order number is removed too; most others are kept.
    assert redact("订单号2024050112345676") == f"订单号{CARD}"
    assert redact("订单号2024050112345678") == "订单号2024050112345678"
    assert redact(UNIONPAY_16[:-1] + "5") == UNIONPAY_16[:-1] + "5"


def test_a_number_that_is_both_an_id_and_a_card_is_called_an_id() -> None:
    id_passing_luhn = "110101199003070054"
    assert redact(id_passing_luhn) == ID
    # With its last digit mistyped it passes neither check, and is still somebody's ID number.
    assert [finding.kind.value for finding in find_personal_data(id_passing_luhn[:-1] + "0")] == ["id_number"]


def test_a_mistyped_id_number_is_removed_all_the_same() -> None:
    assert redact("身份证110105194912310021") == f"身份证{ID}"  # wrong check character


def test_published_office_numbers_stay_however_written_and_no_other() -> None:
    published = ["0731-88886666"]
    reply = (
        "请致电本局热线(0731)8888 6666或+86 731 88886666；已致电投诉人座机0731-85551234、手机13912345678。"
    )
    assert redact(reply, published_numbers=published) == (
        "请致电本局热线(0731)8888 6666或+86 731 88886666；已致电投诉人座机[电话已隐去]、手机[电话已隐去]。"
    )
    assert "88886666" not in redact(reply)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01",
        "2024/05/01 13:45:12",
        "2024年5月1日至2024年6月30日",
        "20240501",
        "2024.05.01",
        "1715000000",
        "3000元",
        "¥12,000.50",
        "1,380,000元",
        "13.9%",
        "1301室",
        "3栋2单元1502",
        "2019年至2024年",
        "拨打12345热线",
        "12315",
        "110",
        "10086",
        "95588",
        "400-123-4567",
        "第3次投诉",
        "192.168.100.200",
        "10.0.0.138",
        "139123456789",  # twelve digits: not a mobile number
        "1391234567",  # ten digits
        "0.5公里",
        "邮编410000",
        "SF1234567890123",
        "a@b",
        "user@localhost",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text
    assert find_personal_data(text) == []


def test_private_names_longest_first_every_occurrence() -> None:
    text = "张三丰说张三和李四都在，张三也同意。"
    assert (
        redact(text, private_names=["张三", "张三丰", "李四"])
        == f"{NAME}说{NAME}和{NAME}都在，{NAME}也同意。"
    )


def test_unusable_names_are_ignored() -> None:
    assert redact("王先生和王女士", private_names=["王", "", "  "]) == "王先生和王女士"
    assert redact("王五在", private_names=[" 王五 "]) == f"{NAME}在"


def test_names_and_numbers_together() -> None:
    text = "张三（身份证11010519491231002X，电话13912345678）"
    assert redact(text, private_names=["张三"]) == f"{NAME}（身份证{ID}，电话{PHONE}）"


def test_a_number_next_to_a_removed_name_is_found_as_in_the_redacted_text() -> None:
    # "张三5" is a name given by staff; the phone number after it starts right after a digit.
    text = "张三513912345678"
    findings = find_personal_data(text, private_names=["张三5"])
    assert findings == [Finding(PersonalDataKind.NAME, 0, 3), Finding(PersonalDataKind.PHONE, 3, 14)]
    assert redact(text, private_names=["张三5"]) == f"{NAME}{PHONE}"


def test_english_labels() -> None:
    text = "张三 13912345678 zs@example.com 11010519491231002X 4111111111111111"
    assert redact(text, private_names=["张三"], labels=ENGLISH_LABELS) == (
        "[removed] [phone removed] [email removed] [ID number removed] [bank card removed]"
    )


@pytest.mark.parametrize(
    ("locale", "labels"),
    [
        ("en", ENGLISH_LABELS),
        ("en_GB", ENGLISH_LABELS),
        ("EN-us", ENGLISH_LABELS),
        ("zh_Hans_CN", CHINESE_LABELS),
        ("eng", CHINESE_LABELS),
        ("", CHINESE_LABELS),
    ],
)
def test_labels_for_locale(locale: str, labels: RedactionLabels) -> None:
    assert labels_for_locale(locale) == labels


def test_custom_labels() -> None:
    labels = RedactionLabels(phone="[号码]")
    assert redact("13912345678 a@b.cn", labels=labels) == f"[号码] {EMAIL}"
    assert redact("[号码] a@b.cn", labels=labels) == f"[号码] {EMAIL}"


@pytest.mark.parametrize("label", ["电话已隐去", "[电话1]", "[[电话]]", "[]", "[phone] removed"])
def test_labels_must_be_bracketed_and_digit_free(label: str) -> None:
    with pytest.raises(ValueError, match="phone label"):
        RedactionLabels(phone=label)


def test_findings_name_kind_and_span_in_text_order() -> None:
    text = "电话13912345678，邮箱a@b.cn，张三"
    assert find_personal_data(text, private_names=["张三"]) == [
        Finding(PersonalDataKind.PHONE, 2, 13),
        Finding(PersonalDataKind.EMAIL, 16, 22),
        Finding(PersonalDataKind.NAME, 23, 25),
    ]


def test_labels_already_in_the_text_are_not_findings() -> None:
    assert find_personal_data(f"{PHONE}{ENGLISH_LABELS.name}", private_names=["电话", "removed"]) == []


def test_redacting_twice_changes_nothing() -> None:
    text = "张三 13912345678 138****1234 0731-88888888 11010519491231002X a@b.cn 4111111111111111"
    once = redact(text, private_names=["张三"])
    assert redact(once, private_names=["张三"]) == once


# --- Properties --------------------------------------------------------------------------------------------

_FRAGMENTS = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=8),  # any code point, surrogates included
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9.]{1,6}@[a-z]{1,5}\.[a-z]{2,3}", fullmatch=True),
    st.sampled_from(["-", " ", "+86", "0086", "86", "@", "(0731)", "*", "x", "Ｘ", "１", "\0", "[", "]"]),
    st.sampled_from([ID_X, VISA_TEST_CARD, "138****1234", PHONE, ENGLISH_LABELS.phone, "张三"]),
)
_TEXTS = st.lists(_FRAGMENTS, max_size=12).map("".join)
_NAMES = st.lists(
    st.one_of(st.text(max_size=4), st.sampled_from(["张三", "5", "78", "已隐去", "[电", "removed"])),
    max_size=4,
)


@settings(max_examples=500, deadline=None)
@given(_TEXTS, _NAMES, st.sampled_from([CHINESE_LABELS, ENGLISH_LABELS]))
def test_redaction_never_raises_is_idempotent_and_leaves_no_mobile_number(
    text: str, names: list[str], labels: RedactionLabels
) -> None:
    once = redact(text, private_names=names, labels=labels)
    assert redact(once, private_names=names, labels=labels) == once
    assert MOBILE_NUMBER.search(once) is None


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _NAMES)
def test_findings_are_ordered_disjoint_and_match_what_redact_removes(text: str, names: list[str]) -> None:
    findings = find_personal_data(text, private_names=names)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert all(0 <= finding.start < finding.end <= len(text) for finding in findings)
    rebuilt = text
    for finding in reversed(findings):
        rebuilt = rebuilt[: finding.start] + CHINESE_LABELS.for_kind(finding.kind) + rebuilt[finding.end :]
    assert rebuilt == redact(text, private_names=names)
