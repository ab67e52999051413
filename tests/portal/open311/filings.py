"""Filing through POST /open311/v2/requests in tests."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

BASE = "/open311/v2"
DESCRIPTION = (
    "清水河边的工厂每天夜里排放黑色污水，气味刺鼻，河里的鱼成片死亡。\n已经持续两个多月，多次反映无人处理。"
)
VALID_REQUEST: dict[str, str] = {
    "service_code": "environment",
    "attribute[division]": "XD-A1",
    "description": DESCRIPTION,
    "address_string": "滨河路12号",
}


def post_request(
    client: FlaskClient, api_key: str | None, fmt: str = "json", *, drop: tuple[str, ...] = (), **params: Any
) -> TestResponse:
    """POST form-encoded (multipart when a value is a file tuple); ``drop`` removes default parameters."""
    data: dict[str, Any] = {**VALID_REQUEST, **params}
    for name in drop:
        data.pop(name, None)
    if api_key is not None:
        data["api_key"] = api_key
    return client.post(f"{BASE}/requests.{fmt}", data=data)


def file_request(client: FlaskClient, api_key: str, **params: Any) -> str:
    """File a request and return its service_request_id (the tracking code)."""
    response = post_request(client, api_key, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(json.loads(response.data)[0]["service_request_id"])
