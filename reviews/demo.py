"""Load the demo practice reviews from the demo folder's reviews.yaml. Running it again changes nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from django.db import transaction

from agencies.models import Agency
from lib.upsert import upsert
from reviews.models import (
    STEP_FIELDS,
    DecidedBy,
    LearningBriefing,
    PracticeReview,
    Recommendation,
    ReviewAction,
    ReviewKind,
    ReviewStatus,
    RiskItem,
)


@transaction.atomic
def reviews_demo_load(*, partnership, period, path: Path) -> int:
    """Create or bring up to date the demo reviews, action plans, risks and briefings; return the number of changes."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if str(data["period"]) != period.slug:
        raise ValueError(f"{path.name} is for period {data['period']}, not {period.slug}. Load it with that period.")
    agencies = {agency.slug: agency for agency in Agency.objects.filter(partnership=partnership)}
    priorities = {p.position: p for p in partnership.priorities.all()}
    changes = 0
    reviews: dict[str, PracticeReview] = {}
    for row in data["reviews"]:
        review, review_changes = _load_review(partnership, row, agencies, priorities)
        reviews[review.reference] = review
        changes += review_changes
    for row in data["risks"]:
        values = {
            "review": reviews[row["review"]] if row.get("review") else None,
            "owner": agencies[row["owner"]],
            "likelihood": row["likelihood"],
            "impact": row["impact"],
            "mitigation": row.get("mitigation", ""),
            "is_open": row.get("open", True),
        }
        changes += upsert(RiskItem, {"partnership": partnership, "title": row["title"]}, values)[1]
    for row in data["briefings"]:
        briefing, changed = upsert(
            LearningBriefing,
            {"partnership": partnership, "title": row["title"]},
            {"published_on": _date(row["published_on"]), "summary": row.get("summary", "")},
        )
        changes += changed + _set_m2m(briefing.reviews, [reviews[ref] for ref in row.get("reviews", [])])
    return changes


def _load_review(partnership, row, agencies, priorities) -> tuple[PracticeReview, int]:
    dates = row.get("dates", {})
    values = {name: _date(dates.get(name)) for name, _ in STEP_FIELDS}
    values.update(
        title=row["title"],
        kind=row["kind"],
        status=row["status"],
        summary=row.get("summary", "").strip(),
        lead_reviewer=row.get("lead_reviewer", ""),
        family_invited=row.get("family_invited", False),
        family_engaged=row.get("family_engaged", False),
        learning_themes="\n".join(row.get("themes", [])),
    )
    review, changes = upsert(PracticeReview, {"partnership": partnership, "reference": row["reference"]}, values)
    changes += _set_m2m(review.priorities, [priorities[p] for p in row.get("priorities", [])])
    for rec_row in row.get("recommendations", []):
        recommendation, changed = upsert(
            Recommendation, {"review": review, "number": rec_row["number"]}, {"text": rec_row["text"]}
        )
        changes += changed
        for action in rec_row.get("actions", []):
            changes += upsert(
                ReviewAction,
                {"recommendation": recommendation, "number": action["number"]},
                {
                    "description": action["description"],
                    "owner": agencies[action["owner"]],
                    "due_on": _date(action["due"]),
                    "status": action["status"],
                    "completed_on": _date(action.get("completed_on")),
                    "completion_evidence": action.get("completion_evidence", ""),
                }
                # Evidence of impact often comes a year later (review_decisions.yaml): kept unless given here.
                | ({"impact_evidence": action["impact_evidence"]} if action.get("impact_evidence") else {}),
            )[1]
    return review, changes


def _set_m2m(manager, objects) -> int:
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return 0
    manager.set(objects)
    return 1


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


@transaction.atomic
def review_decisions_demo_load(*, partnership, period, path: Path) -> int:
    """Create or bring up to date the demo's decisions on recommendations, what completed actions improved and the
    national panel reviews the partnership responded to (review_decisions.yaml); return the number of changes."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if str(data["period"]) != period.slug:
        raise ValueError(f"{path.name} is for period {data['period']}, not {period.slug}. Load it with that period.")
    agencies = {agency.slug: agency for agency in Agency.objects.filter(partnership=partnership)}
    subgroups = {subgroup.slug: subgroup for subgroup in partnership.subgroups.all()}
    changes = 0
    for row in data.get("decisions", []):
        recommendation = Recommendation.objects.get(
            review__partnership=partnership, review__reference=row["review"], number=row["recommendation"]
        )
        changes += upsert(Recommendation, {"pk": recommendation.pk}, _decision(row, subgroups))[1]
    for row in data.get("improvements", []):
        rec_number, action_number = (int(part) for part in str(row["action"]).split("."))
        action = ReviewAction.objects.get(
            recommendation__review__partnership=partnership,
            recommendation__review__reference=row["review"],
            recommendation__number=rec_number,
            number=action_number,
        )
        values = {"improvement": row["improvement"].strip()}
        if row.get("impact_evidence"):
            values["impact_evidence"] = row["impact_evidence"].strip()
        changes += upsert(ReviewAction, {"pk": action.pk}, values)[1]
    for row in data.get("national_reviews", []):
        changes += _load_national_review(partnership, row, agencies, subgroups)
    return changes


def _decision(row: dict, subgroups: dict) -> dict:
    by = row["by"]
    return {
        "decision": row["decision"],
        "decision_text": " ".join(str(row["text"]).split()),
        "decided_by": DecidedBy.BOARD if by == "board" else DecidedBy.SUBGROUP,
        "decided_by_subgroup": None if by == "board" else subgroups[by],
        "decided_on": _date(row["date"]),
    }


def _load_national_review(partnership, row: dict, agencies: dict, subgroups: dict) -> int:
    values = {
        "title": row["title"],
        "kind": ReviewKind.NATIONAL,
        "status": ReviewStatus.PUBLISHED,
        "published_on": _date(row["published_on"]),
        "summary": " ".join(str(row.get("summary", "")).split()),
    }
    review, changes = upsert(PracticeReview, {"partnership": partnership, "reference": row["reference"]}, values)
    for rec_row in row.get("recommendations", []):
        values = {"text": rec_row["text"]}
        if rec_row.get("decision"):
            values |= _decision(rec_row["decision"], subgroups)
        recommendation, changed = upsert(Recommendation, {"review": review, "number": rec_row["number"]}, values)
        changes += changed
        for action in rec_row.get("actions", []):
            changes += upsert(
                ReviewAction,
                {"recommendation": recommendation, "number": action["number"]},
                {
                    "description": action["description"],
                    "owner": agencies[action["owner"]],
                    "due_on": _date(action["due"]),
                    "status": action["status"],
                    "completed_on": _date(action.get("completed_on")),
                    "completion_evidence": action.get("completion_evidence", ""),
                    "impact_evidence": action.get("impact_evidence", ""),
                    "improvement": action.get("improvement", ""),
                },
            )[1]
    return changes
