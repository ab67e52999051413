"""The Open311 services: the seven categories, misconduct by an official, and "not sure" (we classify).

Every service is ``realtime`` (a complaint gets its tracking code at once) and has ``metadata`` true, because the
division is a required attribute: the spec's way to demand an input it does not name itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.categories import CATEGORIES, CATEGORY_KEYS, CategoryInfo
from portal.domain import PartyMembership, in_language
from portal.labels import PARTY_LABELS

# When the catalogue last changed (discovery's ``changeset``). Bump it with every change to the services or
# their attributes, so clients that cache definitions know to fetch them again.
CHANGESET = datetime(2026, 11, 29, tzinfo=UTC)

MISCONDUCT = "misconduct"
GENERAL = "general"
SERVICE_CODES: tuple[str, ...] = (*CATEGORY_KEYS, MISCONDUCT, GENERAL)
LIST_DATATYPES = frozenset({"singlevaluelist", "multivaluelist"})

DIVISION = "division"
ACCUSED_NAME = "accused_name"
ACCUSED_UNIT = "accused_unit"
PARTY_MEMBER = "party_member"

_DESCRIPTIONS = {
    "housing_urban": _l("Buildings, housing, property management, urban management and public works."),
    "environment": _l("Pollution of air, water or soil, noise, waste and damage to nature."),
    "transport": _l("Roads, buses, taxis, traffic safety and other transport services."),
    "education_culture": _l("Schools, kindergartens, school fees, culture and sports facilities."),
    "labour_social_security": _l("Unpaid wages, labour contracts, social insurance and pensions."),
    "commerce_tourism": _l("Shops, markets, prices, consumer rights and tourism."),
    "health_family_planning": _l("Hospitals, clinics, medical fees, public health and family planning."),
}
_KEYWORDS = {
    "housing_urban": _l("housing,construction,property management,urban management,demolition"),
    "environment": _l("pollution,noise,waste,sewage,smoke,dust"),
    "transport": _l("road,bus,taxi,traffic,parking"),
    "education_culture": _l("school,kindergarten,school fees,teacher,sports"),
    "labour_social_security": _l("wages,wage arrears,labour contract,social insurance,pension"),
    "commerce_tourism": _l("shop,market,price,consumer rights,tourism"),
    "health_family_planning": _l("hospital,clinic,doctor,medical fees,vaccination"),
}


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    order: int
    description: str
    values: tuple[Choice, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.values)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    keywords: str
    group: str
    attributes: tuple[Attribute, ...] = ()
    type: str = "realtime"

    def attribute(self, code: str) -> Attribute | None:
        return next((attribute for attribute in self.attributes if attribute.code == code), None)


def _division_attribute(divisions: Sequence[tuple[str, str]]) -> Attribute:
    return Attribute(
        code=DIVISION,
        datatype="singlevaluelist",
        required=True,
        order=1,
        description=_("The district or county the complaint is about."),
        values=tuple(Choice(code, label) for code, label in divisions),
    )


def _misconduct_attributes() -> tuple[Attribute, ...]:
    return (
        Attribute(
            code=ACCUSED_NAME,
            datatype="string",
            required=False,
            order=2,
            description=_("Name or post of the official (give this, their unit, or both)."),
        ),
        Attribute(
            code=ACCUSED_UNIT,
            datatype="string",
            required=False,
            order=3,
            description=_("Their unit or department (give this, the official's name or post, or both)."),
        ),
        Attribute(
            code=PARTY_MEMBER,
            datatype="singlevaluelist",
            required=True,
            order=4,
            description=_("Is the official a Party member?"),
            values=tuple(
                Choice(member.value, str(PARTY_LABELS[member]))
                for member in (PartyMembership.YES, PartyMembership.NO, PartyMembership.UNKNOWN)
            ),
        ),
    )


def _category_service(info: CategoryInfo, locale: str, division: Attribute) -> Service:
    return Service(
        code=info.key,
        name=in_language(locale, info.label_zh, info.label_en),
        description=str(_DESCRIPTIONS[info.key]),
        keywords=str(_KEYWORDS[info.key]),
        group=_("Bureaus"),
        attributes=(division,),
    )


def services(locale: str, divisions: Sequence[tuple[str, str]]) -> dict[str, Service]:
    """Every service by code, in the language of ``locale``; ``divisions`` are the jurisdiction's (code, label)."""
    division = _division_attribute(divisions)
    catalogue = {info.key: _category_service(info, locale, division) for info in CATEGORIES}
    catalogue[MISCONDUCT] = Service(
        code=MISCONDUCT,
        name=_("Misconduct by a public official"),
        description=_(
            "An official abused their power, took bribes or failed to do their duty. The allegation goes to "
            "the Commission for Discipline Inspection or the Bureau of Supervision."
        ),
        keywords=_("corruption,bribery,abuse of power,inaction"),
        group=_("Oversight and discipline"),
        attributes=(division, *_misconduct_attributes()),
    )
    catalogue[GENERAL] = Service(
        code=GENERAL,
        name=_("Not sure which category (we route it)"),
        description=_("Describe the problem; Fire Alarm chooses the responsible bureau."),
        keywords=_("other,not sure"),
        group=_("Other"),
        attributes=(division,),
    )
    return catalogue


def service_list_document(catalogue: dict[str, Service]) -> list[dict[str, Any]]:
    return [
        {
            "service_code": service.code,
            "service_name": service.name,
            "description": service.description,
            "metadata": bool(service.attributes),
            "type": service.type,
            "keywords": service.keywords,
            "group": service.group,
        }
        for service in catalogue.values()
    ]


def _attribute_document(attribute: Attribute) -> dict[str, Any]:
    # Every attribute asks for input (none is informational) and none needs a note on its datatype.
    document: dict[str, Any] = {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.datatype in LIST_DATATYPES:
        document["values"] = [{"key": choice.key, "name": choice.name} for choice in attribute.values]
    return document


def definition_document(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [_attribute_document(attribute) for attribute in service.attributes],
    }
