"""Load the demo report's outline and sections from demo/<period>/ (format: demo/README.md).

Every section is replayed through the workflow services as its real writer would have
done it (save, submit, approve; a few earlier drafts, one section returned and
resubmitted, one challenge answered and closed), so the audit log and history are the
same as the portal would have recorded. Running it again changes nothing; if a section
file has changed since, a new revision is saved and approved.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from lib.upsert import upsert
from partnership.models import Priority
from reports import services
from reports.checklist import unknown_themes
from reports.content import content_clean
from reports.models import Author, Section, SectionSpec, SectionState, SpecKind

PARKED_POSITION = 20_000
# The demo partnership has one business manager, who also writes the partnership's own sections.
SELF_APPROVAL = "The partnership has one business manager; the scrutineer read this section before approval."


class DemoDataError(ValueError):
    """A demo file that does not match the format in demo/README.md."""


def _read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def section_file_read(path: Path) -> dict:
    """A section file's content: YAML front matter, then the narrative in Markdown."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    front, body = {}, text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end == -1:
            raise DemoDataError(f"{path.name}: the front matter has no closing '---' line.")
        front = yaml.safe_load(text[4:end]) or {}
        body = text[end + 4 :]
    return {
        "narrative": body.strip(),
        "key_achievements": front.get("key_achievements") or "",
        "areas_for_development": front.get("areas_for_development") or "",
        "development_items": [
            {"title": item.get("title") or "", "detail": item.get("detail") or ""}
            for item in front.get("development_items") or []
        ],
        "impact": front.get("impact") or "",
        "evidence": [
            {"kind": e.get("kind") or "", "description": e.get("description") or "", "table": e.get("table")}
            for e in front.get("evidence") or []
        ],
        "quotes": [
            {
                "kind": q.get("kind") or "quote",
                "title": q.get("title") or "",
                "text": q.get("text") or "",
                "attribution": q.get("attribution") or "",
                "consented": True,  # taken from the published report, already anonymised
            }
            for q in front.get("quotes") or []
        ],
        "tables": [
            {
                "title": t.get("title") or "",
                "columns": [str(c) for c in t.get("columns") or []],
                "rows": [["" if cell is None else str(cell) for cell in row] for row in t.get("rows") or []],
                "source": t.get("source") or "",
                "chart": t.get("chart") or "",
            }
            | ({"key": str(t["key"])} if t.get("key") else {})  # a measure compared year on year
            for t in front.get("tables") or []
        ],
    }


def _spec_values(item: dict, agencies: dict, where: str) -> dict:
    owner_slug = item.get("owner")
    if owner_slug and owner_slug not in agencies:
        raise DemoDataError(f"{where}: no agency '{owner_slug}' in partnership.yaml.")
    unknown = unknown_themes(item.get("themes") or [])
    if unknown:
        raise DemoDataError(f"{where}: unknown themes {unknown}; see reports/data/statutory_checklist.yaml.")
    author = item.get("author") or (Author.AGENCY if owner_slug else Author.BUSINESS_MANAGER)
    if (author == Author.AGENCY) != bool(owner_slug):
        raise DemoDataError(f"{where}: 'author: agency' needs an 'owner', and only it may have one.")
    return {
        "title": item["title"],
        "level": int(item.get("level") or 2),
        "kind": item.get("kind") or SpecKind.NARRATIVE,
        "owner_agency": agencies.get(owner_slug) if owner_slug else None,
        "author": author,
        "computed_block": item.get("computed_block") or None,
        "themes": list(item.get("themes") or []),
        "suggested_words": item.get("suggested_words") or None,
        "guidance": (item.get("guidance") or "").strip(),
        "impact_required": bool(item.get("impact_required")),
    }


def _load_outline(period, items: list[dict]) -> tuple[list[SectionSpec], int]:
    agencies = {a.slug: a for a in Agency.objects.filter(partnership_id=period.partnership_id)}
    priorities = {p.position: p for p in Priority.objects.filter(partnership_id=period.partnership_id)}
    wanted = {item["slug"]: position for position, item in enumerate(items, start=1)}
    # Positions are unique per period: specs that move step aside first.
    moving = SectionSpec.objects.filter(period=period, slug__in=wanted).exclude(
        pk__in=[s.pk for s in SectionSpec.objects.filter(period=period) if wanted.get(s.slug) == s.position]
    )
    for offset, spec in enumerate(moving):
        SectionSpec.objects.filter(pk=spec.pk).update(position=PARKED_POSITION + offset)
    specs, changes = [], 0
    for item in items:
        where = f"outline.yaml, '{item.get('slug')}'"
        values = _spec_values(item, agencies, where) | {"position": wanted[item["slug"]]}
        spec, changed = upsert(SectionSpec, {"period": period, "slug": item["slug"]}, values)
        wanted_priorities = {priorities[n].pk for n in item.get("priorities") or [] if n in priorities}
        if set(spec.priorities.values_list("pk", flat=True)) != wanted_priorities:
            spec.priorities.set(wanted_priorities)
            changed = True
        if spec.has_section:
            changed |= Section.objects.get_or_create(spec=spec)[1]
        changes += changed
        specs.append(spec)
    return specs, changes


class _Cast:
    """The demo users who play each role."""

    def __init__(self):
        users = get_user_model().objects
        self.by_name = {u.username: u for u in users.filter(username__in=["manager", "scrutineer"])}
        self.users = users

    def role(self, name: str):
        key = {"business_manager": "manager", "scrutineer": "scrutineer"}[name]
        if key not in self.by_name:
            raise DemoDataError(f"The demo user '{key}' is missing; load the partnership first.")
        return self.by_name[key]

    def writer(self, spec: SectionSpec):
        if spec.author == Author.AGENCY:
            username = f"lead-{spec.owner_agency.slug}"
            if username not in self.by_name:
                self.by_name[username] = self.users.filter(username=username).first()
            if self.by_name[username] is None:
                raise DemoDataError(f"The demo user '{username}' is missing; load the partnership first.")
            return self.by_name[username]
        return self.role(spec.author)


def _first_paragraph(content: dict) -> dict:
    return content | {
        "narrative": content["narrative"].split("\n\n")[0],
        "key_achievements": "",
        "areas_for_development": "",
    }


def _approve(section: Section, writer, manager, content: dict) -> None:
    """Save the content if it differs, then submit and approve it."""
    latest = section.current_revision.number if section.current_revision_id else None
    services.section_save(user=writer, section=section, content=content, based_on=latest)
    section.refresh_from_db()
    if section.state in (SectionState.DRAFT, SectionState.CHANGES_REQUESTED):
        services.section_submit(user=writer, section=section)
    section.refresh_from_db()
    if section.state == SectionState.SUBMITTED:
        services.section_approve(user=manager, section=section, self_approval_reason=SELF_APPROVAL)


def _first_load(section: Section, content: dict, cast: _Cast, story: dict) -> None:
    slug = section.spec.slug
    writer, manager = cast.writer(section.spec), cast.role("business_manager")
    returned = story.get("returned") or {}
    if slug in (story.get("earlier_drafts") or []):
        services.section_save(user=writer, section=section, content=_first_paragraph(content), based_on=None)
        section.refresh_from_db()
    if slug == returned.get("slug"):
        services.section_save(
            user=writer, section=section, content=content | {"areas_for_development": ""}, based_on=None
        )
        section.refresh_from_db()
        services.section_submit(user=writer, section=section)
        services.section_request_changes(user=manager, section=section, reason=returned["reason"].strip())
        section.refresh_from_db()
    for item in story.get("challenges") or []:
        if item["slug"] == slug:
            if section.current_revision_id is None:
                services.section_save(user=writer, section=section, content=content, based_on=None)
                section.refresh_from_db()
            scrutineer = cast.role("scrutineer")
            challenge = services.challenge_raise(user=scrutineer, section=section, question=item["question"].strip())
            challenge = services.challenge_answer(user=writer, challenge=challenge, answer=item["answer"].strip())
            services.challenge_close(user=scrutineer, challenge=challenge)
    for item in story.get("comments") or []:
        if item["slug"] == slug and section.current_revision_id:
            revision = section.current_revision
            revision.section = section
            services.comment_add(user=cast.role(item["by"]), revision=revision, body=item["body"].strip())
    _approve(section, writer, manager, content)


def _assign(section: Section, cast: _Cast, usernames: list[str] | None) -> int:
    if not usernames or section.spec.author != Author.AGENCY:
        return 0
    wanted = list(cast.users.filter(username__in=usernames))
    if {u.pk for u in wanted} == set(section.contributors.values_list("pk", flat=True)):
        return 0
    services.section_assign(user=cast.writer(section.spec), section=section, contributors=wanted)
    return 1


def reports_demo_load(*, partnership, period, data_dir: Path) -> int:
    """Load the outline and every section, all approved; returns the number of changes (0 when up to date)."""
    outline_path = data_dir / "outline.yaml"
    if not outline_path.exists():
        return 0
    workflow_path = data_dir / "workflow.yaml"
    story = _read_yaml(workflow_path) if workflow_path.exists() else {}
    with transaction.atomic(), services.notifications_muted():
        specs, changes = _load_outline(period, _read_yaml(outline_path) or [])
        cast = _Cast()
        sections = {
            s.spec_id: s
            for s in Section.objects.filter(spec__period=period).select_related(
                "spec__period", "spec__owner_agency", "current_revision", "approved_revision"
            )
        }
        for spec in specs:
            path = data_dir / "sections" / f"{spec.slug}.md"
            if not spec.has_section or not path.exists():
                continue
            section = sections[spec.pk]
            section.spec.period = period
            changes += _assign(section, cast, (story.get("assignments") or {}).get(spec.slug))
            content = content_clean(section_file_read(path))
            if section.approved_revision_id and section.approved_revision.content == content:
                continue
            if section.current_revision_id is None:
                _first_load(section, content, cast, story)
            else:
                _approve(section, cast.writer(spec), cast.role("business_manager"), content)
            changes += 1
    return changes
