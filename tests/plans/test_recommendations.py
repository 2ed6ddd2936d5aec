"""The recommendations' ranking (plans.recommendations) on a small plan: the order, each
reason in words (Chinese and English) and the points behind the score."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from plans.recommendations import Gaps, Prospect, open_gaps, rank
from scoring.models import ScoringRuleSet
from workplace.calendar import SHANGHAI

TODAY = dt.date(2026, 12, 3)


def at(day: dt.date, hour=10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


NOW = at(TODAY)


def prospect(pk, district, segment, category, score=None, large=False, last=NOW):
    return Prospect(
        id=pk,
        name=f"商户{pk}",
        district=district,
        segment=segment,
        category=category,
        recruiter_id=None,
        star_score=None if score is None else Decimal(score),
        large_or_chain=large,
        last_activity=last,
    )


@pytest.fixture
def rules(db):
    return ScoringRuleSet.objects.order_by("effective_from").first().table


# Taihe still needs 3, Yingshang has no merchant (a coverage gap), featured needs 5,
# dining & entertainment needs 2.
GAPS = Gaps(
    districts={"太和县": 3, "颍上县": 0},
    segments={"featured": 5},
    categories={"dining_entertainment": 2},
)


@pytest.fixture
def small_plan():
    return [
        # Class III, 40 days quiet, no gap: 0.
        prospect(4, "颍州区", "basic", "life_services", score="11.00", last=at(TODAY - dt.timedelta(days=40))),
        # Not evaluated, 10 days ago, Yingshang: 30 + 10 + 5 = 45.
        prospect(3, "颍上县", "basic", "life_services", last=at(TODAY - dt.timedelta(days=10))),
        # A large supermarket, class I whatever its score, active today: 30 + 15 = 45.
        prospect(2, "颍州区", "supermarket", "supermarket", score="10.00", large=True, last=at(TODAY, 8)),
        # Taihe, featured, dining, 13.70 → II, three days ago: 30 + 20 + 10 + 20 + 15 = 95.
        prospect(1, "太和县", "featured", "dining_entertainment", score="13.70", last=at(TODAY - dt.timedelta(days=3))),
    ]


def words(recommendation):
    return [(reason.text, reason.points) for reason in recommendation.reasons]


def test_it_ranks_by_gaps_then_class_then_recency(rules, small_plan):
    ranked = rank(small_plan, gaps=GAPS, rules=rules, today=TODAY)
    assert [(r.prospect.id, r.score) for r in ranked] == [(1, 95), (2, 45), (3, 45), (4, 0)]
    assert [r.expected_class for r in ranked] == ["II", "I", None, "III"]
    assert [r.days_since_activity for r in ranked] == [3, 0, 10, 40]


def test_it_says_each_reason_in_chinese(rules, small_plan):
    with translation.override("zh-hans"):
        ranked = rank(small_plan, gaps=GAPS, rules=rules, today=TODAY)
        assert words(ranked[0]) == [
            ("区县 太和县 尚缺 3 家", 30),
            ("特色商家 尚缺 5 家", 20),
            ("餐饮娱乐 尚缺 2 家", 10),
            ("预计 II 类", 20),
            ("3 天前有动态", 15),
        ]
        assert words(ranked[1]) == [("预计 I 类", 30), ("今天有动态", 15)]
        assert words(ranked[2]) == [("区县 颍上县 尚无签约商户", 30), ("尚无星级评估", 10), ("10 天前有动态", 5)]
        assert words(ranked[3]) == [("预计 III 类", 0), ("40 天前有动态", 0)]


def test_it_says_each_reason_in_english(rules, small_plan):
    with translation.override("en"):
        ranked = rank(small_plan, gaps=GAPS, rules=rules, today=TODAY)
        assert [text for text, _points in words(ranked[0])] == [
            "District 太和县 is still 3 merchants short",
            "Featured merchant is still 5 merchants short",
            "Dining & entertainment is still 2 merchants short",
            "Expected class II",
            "Active 3 days ago",
        ]
        assert [text for text, _points in words(ranked[2])] == [
            "District 颍上县 has no merchant signed yet",
            "No star evaluation yet",
            "Active 10 days ago",
        ]


def test_it_breaks_a_tie_by_recency_then_by_id(rules):
    same = dict(district="颍州区", segment="basic", category="life_services", score="11.00")
    ranked = rank(
        [
            prospect(7, **same, last=at(TODAY - dt.timedelta(days=20))),
            prospect(5, **same, last=at(TODAY - dt.timedelta(days=25))),
            prospect(6, **same, last=at(TODAY - dt.timedelta(days=20))),
        ],
        gaps=GAPS,
        rules=rules,
        today=TODAY,
    )
    assert [r.prospect.id for r in ranked] == [6, 7, 5]
    assert {r.score for r in ranked} == {5}


def test_it_counts_days_in_shanghai(rules):
    # 23:30 on 2 December in Shanghai is 15:30 UTC: one day ago, not today.
    late = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)
    (only,) = rank([prospect(1, "颍州区", "basic", "life_services", last=late)], gaps=GAPS, rules=rules, today=TODAY)
    assert only.days_since_activity == 1


def test_it_reads_the_class_threshold_in_force(rules, small_plan):
    # The same 13.70 is class III once the threshold is 14.
    stricter = type(rules)(**{**rules.__dict__, "class_two_threshold": Decimal("14")})
    ranked = {r.prospect.id: r for r in rank(small_plan, gaps=GAPS, rules=stricter, today=TODAY)}
    assert ranked[1].expected_class == "III"
    assert ranked[1].score == 75
    assert ranked[2].expected_class == "I"


def test_it_keeps_the_recorded_class_without_a_rule_set(small_plan):
    ranked = {
        r.prospect.id: r
        for r in rank(small_plan, gaps=Gaps(), rules=None, today=TODAY, recorded_classes={1: "II", 2: "I", 4: "III"})
    }
    assert [ranked[pk].expected_class for pk in (1, 2, 3, 4)] == ["II", "I", None, "III"]
    assert ranked[1].score == 20 + 15


def test_it_reads_the_open_gaps_of_a_progress():
    progress = {
        "districts": [
            {"name": "颍州区", "target": 0, "signed": 4},
            {"name": "太和县", "target": 20, "signed": 17},
            {"name": "颍上县", "target": 0, "signed": 0},
            {"name": "颍泉区", "target": 5, "signed": 5},
        ],
        "gaps": [{"region": 9, "name": "颍上县"}],
        "segments": [
            {"segment": "supermarket", "target": 10, "signed": 10},
            {"segment": "featured", "target": 20, "signed": 15},
            {"segment": "basic", "target": 30, "signed": 31},
        ],
        "categories": [
            {"category": "supermarket", "target": 0, "signed": 1},
            {"category": "dining_entertainment", "target": 4, "signed": 2},
        ],
    }
    assert open_gaps(progress) == Gaps(
        districts={"太和县": 3, "颍上县": 0},
        segments={"featured": 5},
        categories={"dining_entertainment": 2},
    )
