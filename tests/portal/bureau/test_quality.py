"""Reply quality, pure: what a reply says once its formulas are gone, deflections and form letters."""

from __future__ import annotations

import pytest

from portal.bureau.quality import assess_reply, substance

COMPLAINT = {
    "complaint_title": "人民路路灯坏了三个月",
    "complaint_body": "A1区人民路与建设路交叉口的三盏路灯不亮。",
}
GOOD = (
    "网友您好！您的留言已收悉。现将有关情况回复如下：经查，人民路与建设路交叉口三盏路灯因电缆被盗损坏，"
    "A1区城管局已于11月3日更换电缆120米并修复路灯，现已恢复照明。感谢您对我们工作的支持、理解与监督！2026年11月5日"
)


@pytest.mark.parametrize(
    "text",
    [
        "网友：您好！留言已收悉",
        "您的留言已收悉。关于您反映的问题，已转F9市调查处理。",
        "“UU008847”您好！您通过平台《问政西地省》的留言收悉，已转市公交公司有关部门调查核处，如有相关情况将及时反馈，谢谢！2019年5月31日",
        "网友：您好，您反映的问题不属于我单位职责范围，请向市消费者权益保护协会反映。感谢您的留言。",
        "网友你好，留言已阅。具体情况请咨询省国家司法考试办公室，电话：0731-0000-00000000，谢谢。",
    ],
)
def test_deflections_are_flagged(text: str) -> None:
    quality = assess_reply(text, **COMPLAINT)
    assert quality.deflection
    assert quality.flagged
    assert quality.responsiveness == 0


def test_a_specific_answer_is_not_flagged_and_scores_high() -> None:
    quality = assess_reply(GOOD, **COMPLAINT)
    assert not quality.flagged
    assert quality.specificity == 1.0
    assert quality.relevance >= 0.3  # 人民, 民路, 路灯 of the title's nine two-character terms
    assert quality.score >= 60


def test_a_transfer_note_followed_by_the_answer_is_an_answer() -> None:
    text = "您的留言已收悉，已转市城管局调查处理。" + GOOD
    assert not assess_reply(text, **COMPLAINT).deflection


def test_a_near_copy_of_the_bureaus_other_replies_is_a_form_letter() -> None:
    form = "网友“UU{}”您好！您的留言已收悉。经研究，本局高度重视市容环境卫生工作，将进一步加大巡查力度，持续改善人居环境质量。"
    quality = assess_reply(form.format(1), **COMPLAINT, other_replies=[form.format(2), GOOD])
    assert quality.boilerplate
    assert quality.score <= 40
    assert not assess_reply(form.format(1), **COMPLAINT, other_replies=[GOOD]).boilerplate
    # A long, specific reply sent again to a duplicate complaint is not a form letter.
    detailed = (
        GOOD
        + "同时，区城管局在该路口加装了两处监控，并责令养护单位每周夜间巡查一次，发现损坏24小时内修复，修复情况在区政府网站公示。"
    )
    assert not assess_reply(detailed, **COMPLAINT, other_replies=[detailed]).boilerplate


def test_lateness_lowers_timeliness() -> None:
    assert assess_reply(GOOD, **COMPLAINT).timeliness == 1
    assert assess_reply(GOOD, **COMPLAINT, days_late=7.5).timeliness == pytest.approx(0.5)
    assert assess_reply(GOOD, **COMPLAINT, days_late=40).timeliness == 0


def test_substance_drops_formulas_dates_and_phones() -> None:
    said = substance(
        "网友您好！您的来信已收悉。A市居住证有效期为一年。如有不明，请致电0731-0000-00000000。2017年5月17日"
    )
    assert said == "A市居住证有效期为一年"
