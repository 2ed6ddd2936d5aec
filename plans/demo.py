"""The Fuyang recruitment plan of SPEC.md §6, whole: Fuyang city (阜阳市) with its three
urban districts and its counties, 60 merchants (10 supermarket / 20 featured / 30 basic),
phase 1 (20 April–31 May: 50 merchants, 5 / 15 / 30, the three urban districts), phase 2
(1–30 June: the 10 more), then the counties: Taihe 20 (3 / 7 / 10) from August, Yingshang
20 from September, each other county 10–20 from October; a quota of 10 for each of the five
demo recruiters; class I merchants negotiated by the managers (the head and the director).

The plan is this year's when 20 April has passed, else last year's, so the demo is
current; it ends on 31 December. Made through ``plans.services`` by the recruitment head.
The demo merchants (``merchants.demo``) carry these district names in ``district``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from merchants.models import Segment

from .models import Plan, Region, RegionKind
from .services import plan_create

ORDER = 70
PLAN_NAME = "阜阳市“易购·万商通”联盟商户招商计划（%(year)s）"

CITY = ("阜阳市", "341200")
# name, administrative code, kind; 界首市 is a county-level city, counted with the counties.
DISTRICTS = [
    ("颍州区", "341202", RegionKind.DISTRICT),
    ("颍东区", "341203", RegionKind.DISTRICT),
    ("颍泉区", "341204", RegionKind.DISTRICT),
    ("临泉县", "341221", RegionKind.COUNTY),
    ("太和县", "341222", RegionKind.COUNTY),
    ("阜南县", "341225", RegionKind.COUNTY),
    ("颍上县", "341226", RegionKind.COUNTY),
    ("界首市", "341282", RegionKind.COUNTY),
]
URBAN = ["颍州区", "颍东区", "颍泉区"]
# name, (first month, day), (last month, day), regions, (supermarket, featured, basic)
PHASES = [
    ("第一阶段：市区三区", (4, 20), (5, 31), URBAN, (5, 15, 30)),
    ("第二阶段：市区补充", (6, 1), (6, 30), URBAN, (5, 5, 0)),
    ("太和县", (8, 1), (12, 31), ["太和县"], (3, 7, 10)),
    ("颍上县", (9, 1), (12, 31), ["颍上县"], (3, 7, 10)),
    ("临泉县", (10, 1), (12, 31), ["临泉县"], (2, 5, 8)),
    ("阜南县", (10, 1), (12, 31), ["阜南县"], (1, 3, 6)),
    ("界首市", (10, 1), (12, 31), ["界首市"], (2, 5, 8)),
]
PLAN_TARGETS = (10, 20, 30)
RECRUITERS = ["recruiter1", "recruiter2", "recruiter3", "recruiter4", "recruiter5"]
QUOTA = 10
NEGOTIATORS = ["head", "director"]


def plan_year(today: dt.date) -> int:
    """The latest year whose plan has started (it starts on 20 April)."""
    return today.year if today >= dt.date(today.year, 4, 20) else today.year - 1


def _by_segment(counts: tuple[int, int, int]) -> list[dict]:
    segments = (Segment.SUPERMARKET, Segment.FEATURED, Segment.BASIC)
    return [
        {"segment": segment, "category": "", "count": count} for segment, count in zip(segments, counts, strict=True)
    ]


def regions() -> dict[str, Region]:
    """Fuyang and its districts and counties (added once, found by code after)."""
    city, _ = Region.objects.get_or_create(code=CITY[1], defaults={"name": CITY[0], "kind": RegionKind.CITY})
    found = {city.name: city}
    for name, code, kind in DISTRICTS:
        found[name], _ = Region.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": city})
    return found


def seed(context) -> None:
    year = plan_year(timezone.localdate())
    name = PLAN_NAME % {"year": year}
    area = regions()
    if Plan.objects.filter(name=name).exists():
        return
    plan_create(
        by=context.user("head"),
        name=name,
        region=area[CITY[0]],
        starts_on=dt.date(year, 4, 20),
        ends_on=dt.date(year, 12, 31),
        notes="60家：商超10家、特色商家20家、基础商家30家；一类商户由管理人员负责谈判。",
        targets=_by_segment(PLAN_TARGETS),
        phases=[
            {
                "name": phase_name,
                "starts_on": dt.date(year, *first),
                "ends_on": dt.date(year, *last),
                "regions": [area[region] for region in names],
                "targets": _by_segment(counts),
            }
            for phase_name, first, last, names, counts in PHASES
        ],
        quotas=[{"recruiter": context.user(username), "count": QUOTA} for username in RECRUITERS],
        class_i_negotiators=[context.user(username) for username in NEGOTIATORS],
    )
