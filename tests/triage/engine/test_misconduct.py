"""The misconduct detector on hand-written complaints (written for these tests)."""

from __future__ import annotations

import pytest

from portal.domain import Allegation, PartyMembership, Track
from triage.engine.misconduct import detect_misconduct

DISCIPLINE, SUPERVISION = Track.DISCIPLINE, Track.SUPERVISION

POSITIVES = [
    # (title, body, kind, track, a piece of evidence)
    ("宅基地审批要送红包", "村支书收了邻居两万元红包，才给他批了宅基地。", "bribery", DISCIPLINE, "村支书"),
    ("审批科科员受贿", "规划审批科一名科员受贿，违规通过了不合格的设计。", "bribery", SUPERVISION, "受贿"),
    ("扶贫款去哪了", "镇政府把扶贫款挪用去修办公楼，贫困户一分没拿到。", "embezzlement", SUPERVISION, "挪用"),
    ("低保金被私吞", "村会计私吞了我们组三户人家的低保金。", "embezzlement", SUPERVISION, "私吞"),
    (
        "办证窗口吃拿卡要",
        "办证窗口的工作人员吃拿卡要，不给好处就说材料不齐。",
        "extortion",
        SUPERVISION,
        "吃拿卡要",
    ),
    (
        "执法队员索要好处费",
        "城管执法队员向摊贩索要好处费，不给就没收三轮车。",
        "extortion",
        SUPERVISION,
        "好处费",
    ),
    (
        "低保名额优亲厚友",
        "村里的低保名额优亲厚友，全给了村干部的亲戚。",
        "favouritism",
        DISCIPLINE,
        "优亲厚友",
    ),
    (
        "项目交给书记的外甥",
        "乡里的修路工程没有招标，直接交给了乡党委书记的外甥。",
        "favouritism",
        DISCIPLINE,
        "书记",
    ),
    (
        "城管对占道经营推诿",
        "占道经营半年了，城管推诿扯皮，对居民的反映置之不理。",
        "inaction",
        SUPERVISION,
        "推诿",
    ),
    ("住建局不作为", "小区违建举报了三次，区住建局一直不作为。", "inaction", SUPERVISION, "不作为"),
    ("镇长滥用职权", "镇长滥用职权，派人强拆我家的养殖棚。", "abuse_of_power", DISCIPLINE, "滥用职权"),
    (
        "社区书记私分集体收入",
        "社区党支部书记和几个干部私分了门面出租的集体收入。",
        "embezzlement",
        DISCIPLINE,
        "私分",
    ),
]


@pytest.mark.parametrize(("title", "body", "kind", "track", "evidence"), POSITIVES)
def test_flags_misconduct_of_each_kind(title: str, body: str, kind: str, track: str, evidence: str) -> None:
    signal = detect_misconduct(title, body)
    assert signal.flag
    assert kind in signal.kinds
    assert signal.track == track
    assert 0.5 <= signal.score <= 1.0
    assert any(evidence in item for item in signal.evidence)


NEGATIVES = [
    ("物业不作为", "小区楼顶漏水三个月，物业公司置之不理，物业就是不作为。"),  # a company, not an office
    ("公司克扣工资", "老板克扣我们的工资，还拖欠加班费。"),
    ("表扬拒收红包的医生", "手术前我们给主刀医生包了一个红包，医生坚决不收。"),
    ("感谢村书记修路", "村党支部书记带着大家把进村路修好了，特此感谢。"),
    ("商场红包雨不兑现", "商场开业搞红包雨活动，抢到的红包结账时不能用。"),
    ("作风建设", "区里要求窗口单位坚决杜绝吃拿卡要，我们觉得很好。"),
    ("噪音扰民", "楼下酒吧每晚噪音扰民，物业不作为，请相关部门处理。"),  # the office is only asked for help
    ("尊敬的王书记您好", "王书记您好！我们小区门口的路灯坏了一个月，晚上出行很不方便。"),
]


@pytest.mark.parametrize(("title", "body"), NEGATIVES)
def test_ordinary_complaints_are_not_flagged(title: str, body: str) -> None:
    signal = detect_misconduct(title, body)
    assert not signal.flag
    assert signal.score < 0.5


def test_negation_right_before_a_phrase_cancels_it() -> None:
    assert not detect_misconduct("办事顺利", "街道办的工作人员没有收红包，也没有刁难我们。").flag
    assert detect_misconduct("办事不顺", "街道办的工作人员收了红包才给办。").flag


@pytest.mark.parametrize(
    ("allegation", "track"),
    [
        (
            Allegation(accused_name="李某", accused_unit="县交通运输局", party_member=PartyMembership.NO),
            SUPERVISION,
        ),
        (
            Allegation(accused_name="张某", accused_unit="某镇政府", party_member=PartyMembership.YES),
            DISCIPLINE,
        ),
        (
            Allegation(accused_name="刘某", accused_unit="某村党支部", party_member=PartyMembership.UNKNOWN),
            DISCIPLINE,
        ),
        (
            Allegation(
                accused_name="赵某", accused_unit="区市场监管局", party_member=PartyMembership.UNKNOWN
            ),
            SUPERVISION,
        ),
        (Allegation(), SUPERVISION),
    ],
)
def test_a_citizen_allegation_always_flags(allegation: Allegation, track: str) -> None:
    signal = detect_misconduct("路灯坏了", "小区门口的路灯坏了一个月。", allegation)
    assert signal.flag
    assert signal.score == 1.0
    assert signal.track == track
    assert signal.evidence[0].startswith("举报人指认")


def test_allegation_with_unknown_membership_follows_the_text() -> None:
    signal = detect_misconduct(
        "补偿款被截留", "村支书截留了我们的征地补偿款。", Allegation(accused_unit="某村")
    )
    assert signal.track == DISCIPLINE
    assert "截留" in signal.evidence


def test_evidence_lists_each_phrase_once_and_score_stays_below_one() -> None:
    body = "局长受贿。局长受贿。局长受贿。局长还贪污。"
    signal = detect_misconduct("举报局长", body)
    assert signal.evidence.count("受贿") == 1
    assert signal.kinds == ["bribery", "embezzlement"]
    assert 0.9 <= signal.score < 1.0
