from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lib.errors import DomainError, InvalidInput
from lib.views import domain_error_show
from partnership.access import require
from people.models import Membership, Role
from reports import services, workflow
from reports.access import challenge_for, section_for
from reports.childrens import TARGET as READABILITY_TARGET
from reports.childrens import readability_of
from reports.content import empty_content
from reports.diff import diff_html, section_changes
from reports.errors import StaleRevision
from reports.forms import (
    AnswerForm,
    AssignForm,
    ChallengeForm,
    CommentForm,
    EvidenceFormSet,
    QuoteFormSet,
    ReasonForm,
    SectionForm,
    TableFormSet,
    content_from_forms,
    evidence_initial,
    section_initial,
)
from reports.forms_progress import (
    DevelopmentItemFormSet,
    development_formset_bound,
    development_from_formset,
    development_initial,
)
from reports.impact import impact_missing
from reports.models import ChallengeState, SectionRevision, SectionState, SpecKind
from reports.permissions import (
    section_roles,
    user_can_answer_challenge,
    user_can_assign_section,
    user_can_challenge,
    user_can_edit_section,
    user_can_review_section,
    user_can_submit_section,
)
from reports.selectors import section_audit, section_history, section_page
from reports.views.common import formset_errors, post_only, to_section
from reports.views.measures import editor_measures, last_year_attach


def _detail(request, section, *, status: int = 200, **forms):
    """The section page; `forms` replaces a blank form with a bound one whose errors it shows."""
    actions = workflow.allowed_actions(section.state, section_roles(request.user, section))
    page = section_page(section=section)
    can_answer = user_can_answer_challenge(request.user, section)
    can_challenge = user_can_challenge(request.user, section)
    answering = forms.pop("answering", None)  # (challenge id, bound AnswerForm) of a refused answer
    for challenge in page["challenges"]:
        challenge.can_answer = can_answer and challenge.state == ChallengeState.OPEN
        challenge.can_close = can_challenge and challenge.state == ChallengeState.ANSWERED
        challenge.answer_form = answering[1] if answering and answering[0] == challenge.pk else None
    summary_errors = [
        (bound[name].id_for_label, message)
        for bound in forms.values()
        for name, messages_ in bound.errors.items()
        for message in messages_
    ]
    if answering:
        summary_errors += [(f"answer-{answering[0]}", message) for message in answering[1].errors.get("answer", [])]
    context = {
        "section": section,
        "spec": section.spec,
        "period": section.spec.period,
        "partnership": section.spec.period.partnership,
        "revision": section.current_revision,
        "actions": actions,
        # Editing is offered only where a save would be accepted: not while the section awaits review.
        "can_save": "save" in actions,
        "can_submit": "submit" in actions,
        "can_approve": "approve" in actions,
        "can_request_changes": "request_changes" in actions,
        "show_return_reason": section.state == SectionState.CHANGES_REQUESTED and page["last_return"] is not None,
        "can_challenge": can_challenge,
        "can_assign": user_can_assign_section(request.user, section),
        "approval_is_own": section.current_revision is not None
        and section.current_revision.author_id == request.user.pk,
        "comment_form": CommentForm(),
        "challenge_form": ChallengeForm(),
        "reason_form": ReasonForm(),
        "answer_form": AnswerForm(),
        "summary_errors": summary_errors,
        # What the outline requires and the latest revision still lacks, shown before the submit button.
        "impact_missing": impact_missing(section.current_revision.content if section.current_revision else None)
        if section.spec.impact_required
        else [],
        **forms,
        **page,
    }
    return render(request, "reports/section_detail.html", context, status=status)


@login_required
@require_GET
def section_detail(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    return _detail(request, section)


def _edit_forms(request, section, measures):
    suggested = section.spec.suggested_words
    if request.method == "POST":
        return (
            SectionForm(request.POST, suggested_words=suggested),
            QuoteFormSet(request.POST, prefix="quotes"),
            TableFormSet(request.POST, request.FILES, prefix="tables", form_kwargs=measures.form_kwargs),
            development_formset_bound(request.POST),
            _evidence_posted(request.POST),
        )
    current = section.current_revision
    # A section not started yet begins with last year's keyed tables of the same section, figures to fill in.
    content = current.content if current else empty_content() | {"tables": measures.carried}
    main, quotes, tables = section_initial(content)
    main["based_on"] = current.number if current else None
    return (
        SectionForm(initial=main, suggested_words=suggested),
        QuoteFormSet(initial=quotes, prefix="quotes"),
        TableFormSet(initial=tables, prefix="tables", form_kwargs=measures.form_kwargs),
        DevelopmentItemFormSet(initial=development_initial(current.content if current else {}), prefix="development"),
        EvidenceFormSet(initial=evidence_initial(content), prefix="evidence"),
    )


def _evidence_posted(data) -> EvidenceFormSet:
    """The posted "how we know" items; a form posted without them (from before they existed) has none."""
    if "evidence-TOTAL_FORMS" not in data:
        data = data.copy()
        data.update({"evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    return EvidenceFormSet(data, prefix="evidence")


ADD_BUTTONS = {
    "add_quote": ("quotes", QuoteFormSet),
    "add_table": ("tables", TableFormSet),
    "add_development": ("development", DevelopmentItemFormSet),
    "add_evidence": ("evidence", EvidenceFormSet),
}


def _with_one_more(request, section, measures):
    """The posted forms again, nothing saved, with one more empty quote or table (the no-script way to add one)."""
    data = request.POST.copy()
    for button, (prefix, formset_class) in ADD_BUTTONS.items():
        if button in data:
            total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
            data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, formset_class.max_num))
    suggested = section.spec.suggested_words
    forms = (
        SectionForm(data, suggested_words=suggested),
        QuoteFormSet(data, prefix="quotes"),
        TableFormSet(data, request.FILES, prefix="tables", form_kwargs=measures.form_kwargs),
        development_formset_bound(data),
        _evidence_posted(data),
    )
    for bound in (forms[0], *(bound for formset in forms[1:] for bound in formset.forms)):
        bound._errors = ErrorDict()  # keep what was typed without judging it yet
    return forms


# With this many quotes and tables written or more, the editor lists the section's parts as a task list at its top.
PARTS_LIST_FROM = 2


TEXT_PARTS = ("narrative", "impact", "key_achievements", "areas_for_development")


def _value(bound, name: str) -> str:
    value = bound[name].value()
    return str(value or "").strip()


def editor_parts(form, quotes, tables) -> list[dict]:
    """The section's parts, each with the id of its first field, the words written and a status, for the
    task list at the editor's top (what is on the page now: typed, or as last saved)."""
    parts = []
    for name in TEXT_PARTS:
        words = len(_value(form, name).split())
        parts.append({"label": form.fields[name].label, "anchor": form[name].id_for_label, "words": words})
    for label, formset, first in (("Quote or case study", quotes, "text"), ("Table", tables, "rows")):
        for number, bound in enumerate(formset.forms, start=1):
            title = _value(bound, "title")
            words = len(_value(bound, first).split())
            named = f"{label} {number}" + (f": {title}" if title else "")
            parts.append({"label": named, "anchor": bound[first].id_for_label, "words": words})
    for part in parts:
        part["status"] = "Written" if part["words"] else "Empty"
    return parts


@login_required
def section_edit(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_edit_section(request.user, section))
    adding = request.method == "POST" and any(button in request.POST for button in ADD_BUTTONS)
    measures = editor_measures(section)
    form, quotes, tables, development, evidence = (
        _with_one_more(request, section, measures) if adding else _edit_forms(request, section, measures)
    )
    context = {
        "section": section,
        "spec": section.spec,
        "period": section.spec.period,
        "partnership": section.spec.period.partnership,
        "is_submitted": section.state == SectionState.SUBMITTED,
        "is_approved": section.state == SectionState.APPROVED,
        "form": form,
        "quotes": quotes,
        "tables": tables,
        "development": development,
        "evidence": evidence,
    }
    if request.method == "POST" and not adding:
        valid = [form.is_valid(), quotes.is_valid(), tables.is_valid(), development.is_valid(), evidence.is_valid()]
        context["summary_errors"] = (
            formset_errors("How we know, item", evidence)
            + formset_errors("Quote", quotes)
            + formset_errors("Table", tables)
            + formset_errors("Area for development", development)
        )
        if all(valid) and not form.errors:
            content = content_from_forms(form, quotes, tables, evidence)
            content["development_items"] = development_from_formset(development)
            if "preview" in request.POST:
                context["preview"] = content
            else:
                try:
                    revision = services.section_save(
                        user=request.user, section=section, content=content, based_on=form.cleaned_data["based_on"]
                    )
                except StaleRevision as error:
                    form.add_error(None, str(error))
                    context["stale_diff"] = diff_html(error.diff)
                except DomainError as error:
                    domain_error_show(request, error, form)
                else:
                    messages.success(request, f"Saved as revision {revision.number}.")
                    return to_section(section)
    if (
        section.spec.kind == SpecKind.CHILDREN
    ):  # its writer sees how easy the text is to read, as last saved or previewed
        context["readability"] = readability_of(_value(form, "narrative"))
        context["readability_target"] = READABILITY_TARGET
    last_year_attach(tables, measures)
    context["carried"] = section.current_revision_id is None and bool(measures.carried) and not tables.is_bound
    parts = editor_parts(form, quotes, tables)
    if sum(1 for part in parts[len(TEXT_PARTS) :] if part["words"]) >= PARTS_LIST_FROM:
        context["parts"] = parts
    return render(request, "reports/section_edit.html", context)


def _act_on_form(request, section, form, field: str, call, success: str, *, form_name=None, answering=None):
    """Validate one text form and call the service; a refusal of its text marks the field, on the section
    page shown again (400), instead of only a banner."""
    if form.is_valid():
        try:
            call()
        except InvalidInput as error:
            for text in error.messages:
                form.add_error(field, text)
        except DomainError as error:
            domain_error_show(request, error)
            return to_section(section)
        else:
            messages.success(request, success)
            return to_section(section)
    bound = {"answering": (answering, form)} if answering is not None else {form_name: form}
    return _detail(request, section, status=400, **bound)


def _act(request, section, call, success: str):
    try:
        call()
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, success)
    return to_section(section)


@login_required
def section_submit(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_submit_section(request.user, section))
    if refused := post_only(request):
        return refused
    # Nobody is mailed about their own action, so a business manager submitting their own writing is not told
    # "the business manager has been told"; the section page offers them the approval with a reason.
    done = (
        "Submitted. Approve it below, giving your reason, or leave it for another business manager."
        if user_can_review_section(request.user, section)
        else "Submitted. The business manager has been told."
    )
    return _act(request, section, lambda: services.section_submit(user=request.user, section=section), done)


@login_required
def section_approve(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_review_section(request.user, section))
    if refused := post_only(request):
        return refused
    given = request.POST.get("revision", "")
    number = _number(given)
    if given and number is None:
        messages.error(
            request, "There is no such revision to approve. Open the section again and approve the revision shown."
        )
        return to_section(section)
    return _act(
        request,
        section,
        lambda: services.section_approve(
            user=request.user,
            section=section,
            revision_number=number,
            self_approval_reason=request.POST.get("self_approval_reason", ""),
        ),  # fmt: skip
        "Approved. This revision is the one the report will use.",
    )


@login_required
def section_return(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_review_section(request.user, section))
    if refused := post_only(request):
        return refused
    reason = request.POST.get("reason", "")
    return _act(
        request,
        section,
        lambda: services.section_request_changes(user=request.user, section=section, reason=reason),
        "Returned to the writer with your reason.",
    )


@login_required
def comment_add(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    if refused := post_only(request):
        return refused
    given = request.POST.get("revision", "")
    number = _number(given)
    revision = (
        SectionRevision.objects.filter(section=section, number=number).first() if given else section.current_revision
    )
    if revision is None:
        messages.error(request, "There is no such revision to comment on. Choose one from the section's history.")
        return to_section(section)
    revision.section = section
    form = CommentForm(request.POST)
    return _act_on_form(
        request,
        section,
        form,
        "body",
        lambda: services.comment_add(user=request.user, revision=revision, body=form.cleaned_data["body"]),
        "Comment added.",
        form_name="comment_form",
    )


@login_required
def challenge_raise(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_challenge(request.user, section))
    if refused := post_only(request):
        return refused
    form = ChallengeForm(request.POST)
    return _act_on_form(
        request,
        section,
        form,
        "question",
        lambda: services.challenge_raise(user=request.user, section=section, question=form.cleaned_data["question"]),
        "Challenge raised. The agency has been asked to answer it.",
        form_name="challenge_form",
    )


@login_required
def challenge_answer(request, partnership_slug, period_slug, section_slug, challenge_id):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    challenge = challenge_for(section, challenge_id)
    require(user_can_answer_challenge(request.user, section))
    if refused := post_only(request):
        return refused
    form = AnswerForm(request.POST)
    return _act_on_form(
        request,
        section,
        form,
        "answer",
        lambda: services.challenge_answer(user=request.user, challenge=challenge, answer=form.cleaned_data["answer"]),
        "Answer sent to the scrutineer.",
        answering=challenge.pk,
    )


@login_required
def challenge_close(request, partnership_slug, period_slug, section_slug, challenge_id):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    challenge = challenge_for(section, challenge_id)
    require(user_can_challenge(request.user, section))
    if refused := post_only(request):
        return refused
    return _act(
        request, section, lambda: services.challenge_close(user=request.user, challenge=challenge), "Challenge closed."
    )


@login_required
def section_assign(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    require(user_can_assign_section(request.user, section))
    candidates = (
        get_user_model()
        .objects.filter(memberships__agency_id=section.spec.owner_agency_id, memberships__role=Role.CONTRIBUTOR)
        .order_by("username")
        .distinct()
    )
    form = AssignForm(
        request.POST or None,
        contributor_queryset=candidates,
        initial={"contributors": list(section.contributors.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_assign(
                user=request.user, section=section, contributors=list(form.cleaned_data["contributors"])
            )
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, "Contributors updated.")
            return to_section(section)
    context = {
        "section": section,
        "spec": section.spec,
        "period": section.spec.period,
        "partnership": section.spec.period.partnership,
        "form": form,
        "has_candidates": Membership.objects.filter(
            agency_id=section.spec.owner_agency_id, role=Role.CONTRIBUTOR
        ).exists(),
    }
    return render(request, "reports/section_assign.html", context)


@login_required
@require_GET
def section_history_view(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    revisions = section_history(section=section)
    context = {
        "section": section,
        "spec": section.spec,
        "period": section.spec.period,
        "partnership": section.spec.period.partnership,
        "revisions": revisions,
        "can_compare": len(revisions) > 1,
        "audit": section_audit(section=section),
    }
    return render(request, "reports/section_history.html", context)


def _number(value) -> int | None:
    """A revision number from a form or query string, or None: only ASCII digits, short enough for the database."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


@login_required
@require_GET
def section_diff(request, partnership_slug, period_slug, section_slug):
    section = section_for(request.user, partnership_slug, period_slug, section_slug)
    old_n, new_n = _number(request.GET.get("from")), _number(request.GET.get("to"))
    found = {r.number: r for r in SectionRevision.objects.filter(section=section, number__in=[old_n, new_n])}
    numbers = list(SectionRevision.objects.filter(section=section).order_by("-number").values_list("number", flat=True))
    context = {
        "section": section,
        "spec": section.spec,
        "period": section.spec.period,
        "partnership": section.spec.period.partnership,
        "numbers": numbers,
        "can_compare": len(numbers) > 1,
        "old_n": old_n,
        "new_n": new_n,
    }
    if old_n is not None and new_n is not None:
        if old_n in found and new_n in found:
            as_written = request.GET.get("view") == "as-written"
            changes = section_changes(found[old_n].content, found[new_n].content, rendered=not as_written)
            changed = [change for change in changes if change.changed]
            neighbours = zip([None, *changed[:-1]], changed, [*changed[1:], None], strict=True) if changed else ()
            steps = [{"change": change, "previous": before, "next": after} for before, change, after in neighbours]
            counts = tuple(map(sum, zip(*(change.counts for change in changed), strict=True))) if changed else (0, 0)
            context.update(
                changes=changes, steps=steps, counts=counts, old=found[old_n], new=found[new_n], as_written=as_written
            )
        else:
            context["problem"] = "One of those revisions does not exist. Choose two revisions from the lists."
    return render(request, "reports/section_diff.html", context)
