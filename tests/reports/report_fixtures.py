"""Build small outlines with sections directly, for assembly and publishing tests."""

from reports.models import Section, SectionRevision, SectionSpec, SectionState


def content(narrative="", **extra):
    base = {"narrative": narrative, "key_achievements": "", "areas_for_development": "", "quotes": [], "tables": []}
    return base | extra


def add_spec(period, position, title, *, level=1, kind="narrative", owner=None, themes=(), block=None, author=None):
    return SectionSpec.objects.create(
        period=period,
        slug=f"s{position}",
        position=position,
        title=title,
        level=level,
        kind=kind,
        owner_agency=owner,
        author=author or ("agency" if owner else "business_manager"),
        computed_block=block,
        themes=list(themes),
    )


def add_section(spec, author, body, *, approved=True, state=None):
    section = Section.objects.create(spec=spec)
    revision = SectionRevision.objects.create(section=section, number=1, content=body, author=author)
    section.current_revision = revision
    section.state = state or (SectionState.APPROVED if approved else SectionState.SUBMITTED)
    section.approved_revision = revision if approved else None
    section.save()
    return section
