"""Recognising the accused unit in a citizen's words."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.jurisdiction.naming import names_bureau
from portal.models import Bureau


@pytest.mark.parametrize(
    ("written", "bureau", "named"),
    [
        ("A1区生态环境局", "XD-A1:environment", True),
        ("A1区 环保局", "XD-A1:environment", True),
        ("环保局", "XD-A1:environment", True),
        ("A市A1区住建局", "XD-A1:housing_urban", True),
        ("A市住建局", "XD-A1:housing_urban", False),
        ("A市住建局", "XD-A:housing_urban", True),
        ("B1县环保局", "XD-A1:environment", False),
        ("A1区交通运输局", "XD-A1:environment", False),
        ("xd-a1:environment", "XD-A1:environment", True),
        ("某村村委会", "XD-A1:environment", False),
        ("", "XD-A1:environment", False),
    ],
)
def test_a_bureau_is_named_by_its_name_or_short_form_in_its_own_division(
    app: Flask, written: str, bureau: str, named: bool
) -> None:
    with app.app_context():
        unit = db.session.scalars(select(Bureau).where(Bureau.code == bureau)).one()
        assert names_bureau(written, unit) is named
