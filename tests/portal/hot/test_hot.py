"""Hot issues: GET /api/v1/hot-issues and /hot find groups of paraphrased complaints and rank them alike."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.factories import file_via_api

LIGHTS = [
    (
        "人民路路灯坏了三个月",
        "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
    ),
    (
        "人民路建设路口路灯不亮",
        "人民路和建设路交叉口那几盏路灯好几个月都不亮了，晚上过马路看不清，希望修好路灯。",
    ),
    ("建设路口的路灯一直不亮", "建设路与人民路口的路灯坏了很久，天黑以后路口一片漆黑，请有关部门维修路灯。"),
]
PLANT = [
    (
        "丽发新城附近搅拌站噪音扰民",
        "丽发新城小区旁边新建了混凝土搅拌站，日夜施工，噪音和粉尘严重影响居民生活。",
    ),
    (
        "丽发新城小区旁搅拌站粉尘大",
        "丽发新城小区附近的搅拌站粉尘太大，孩子咳嗽，晚上噪音也吵得睡不着，请环保部门查处。",
    ),
]
SINGLES = [
    (
        "实验小学乱收补课费",
        "A1区实验小学老师在周末组织学生补课，每人收取补课费八百元，家长不敢拒绝，请教育局查处。",
    ),
    ("公交139路停运", "楚江南路唯一的一趟公交车139路又停运了，周边居民出行很不方便，请恢复线路。"),
    ("小区物业乱收停车费", "麓谷小镇物业今年起每月多收两百元停车费，没有经过业主大会同意，请住建局调查。"),
]


def file_all(client: FlaskClient, texts: list[tuple[str, str]], division: str = "XD-A1") -> list[str]:
    return [file_via_api(client, title=t, body=b, division=division)["tracking_code"] for t, b in texts]


def test_two_groups_of_paraphrases_are_found_and_singletons_left_out(client: FlaskClient) -> None:
    lights = file_all(client, LIGHTS)
    plant = file_all(client, PLANT)
    file_all(client, SINGLES)
    answer = client.get("/api/v1/hot-issues")
    assert answer.status_code == 200
    issues = answer.get_json()["issues"]
    assert [sorted(issue["members"]) for issue in issues] == [sorted(lights), sorted(plant)]
    first = issues[0]
    assert first["size"] == 3
    assert first["place"]["code"] == "XD-A1"
    assert first["rank"] == 1
    assert "路灯" in first["keywords"]
    assert first["title"] in [t for t, _b in LIGHTS]


def test_supporters_weigh_in_and_the_page_shows_the_api_ranking(client: FlaskClient) -> None:
    lights = file_all(client, LIGHTS)
    plant = file_all(client, PLANT)
    for n in range(6):  # six neighbours say "me too" on the plant
        client.post(
            f"/api/v1/complaints/{plant[0]}/support", environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        )
    issues = client.get("/api/v1/hot-issues?days=30").get_json()["issues"]
    assert [issue["size"] for issue in issues] == [2, 3]
    assert issues[0]["supporters"] == 6
    assert issues[0]["heat"] > issues[1]["heat"]
    page = client.get("/hot?days=30", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.findall(r'<li class="hot-issue" id="([^"]+)"', page) == [issue["id"] for issue in issues]
    assert "Hot issues" in page
    assert sorted(issues[1]["members"]) == sorted(lights)


def test_a_place_is_part_of_the_problem_and_the_window_is_checked(client: FlaskClient) -> None:
    file_all(client, LIGHTS[:1])
    file_all(client, LIGHTS[1:2], division="XD-A2")
    assert client.get("/api/v1/hot-issues").get_json()["issues"] == []  # one in each division: no group
    file_all(client, LIGHTS[2:], division="XD-A2")
    only = client.get("/api/v1/hot-issues?division=XD-A2").get_json()["issues"]
    assert [issue["place"]["code"] for issue in only] == ["XD-A2"]
    assert client.get("/api/v1/hot-issues?division=XD-A1").get_json()["issues"] == []
    assert client.get("/api/v1/hot-issues?days=0").status_code == 422
    assert client.get("/api/v1/hot-issues?days=abc").status_code == 422
    assert client.get("/api/v1/hot-issues?division=XX").status_code == 422
    assert client.get("/hot?days=abc").status_code == 422


def test_the_public_nav_links_the_page(client: FlaskClient) -> None:
    assert 'href="/hot"' in client.get("/").get_data(as_text=True)
