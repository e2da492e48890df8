"""The period's tracked items: the list, adding one, an item's page with its rating form, changing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lib.errors import DomainError
from lib.pagination import paginate
from lib.views import domain_error_show
from partnership.access import period_for, require
from reports import progress
from reports.forms_progress import RatingForm, TrackedItemForm
from reports.models_progress import TrackedItem
from reports.permissions_progress import (
    user_can_manage_tracked_items,
    user_can_update_tracked_item,
    user_can_view_progress,
    user_can_view_tracked_item,
)
from reports.progress_selectors import evidence_choices, rating_counts, tracked_items_for

PAGE_SIZE = 25


def tracked_item_for(user, partnership_slug: str, period_slug: str, item_uuid) -> TrackedItem:
    """An item of the period the user may read; otherwise 404 (another agency's contributor learns nothing)."""
    period = period_for(user, partnership_slug, period_slug)
    item = TrackedItem.objects.filter(period=period, uuid=item_uuid).select_related("owner_agency").first()
    if item is None:
        raise Http404("No such item.")
    item.period = period
    if not user_can_view_tracked_item(user, item):
        raise Http404("No such item.")
    return item


def _base(period) -> dict:
    return {"period": period, "partnership": period.partnership}


def _show_errors(request, error: DomainError, form) -> None:
    """Each problem under its field where the service named one; the rest on the error summary."""
    for field, texts in getattr(error, "by_field", {}).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
    if not getattr(error, "by_field", None):
        domain_error_show(request, error, form)


def _to_item(item):
    return redirect("reports:tracked_item", item.period.partnership.slug, item.period.slug, item.uuid)


@login_required
@require_GET
def progress_list(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_progress(request.user, period))
    page = paginate(request, tracked_items_for(user=request.user, period=period), what="the items", per_page=PAGE_SIZE)
    for item in page.object_list:
        item.period = period
        item.can_update = user_can_update_tracked_item(request.user, item)
    context = _base(period) | {
        "page": page,
        "counts": rating_counts(period=period),
        "can_manage": user_can_manage_tracked_items(request.user, period),
    }
    return render(request, "reports/progress/item_list.html", context)


@login_required
def progress_add(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_tracked_items(request.user, period))
    form = TrackedItemForm(request.POST or None, partnership=period.partnership, can_assign=True)
    if request.method == "POST" and form.is_valid():
        try:
            item = progress.tracked_item_add(user=request.user, period=period, **form.cleaned_data)
        except DomainError as error:
            _show_errors(request, error, form)
        else:
            messages.success(request, f"Added '{item.title}'.")
            return _to_item(item)
    return render(request, "reports/progress/item_form.html", _base(period) | {"form": form, "item": None})


def _link_choices(period, user) -> list[tuple[str, str]]:
    return [
        (value, f"{group}: {label}") for group, choices in evidence_choices(period=period, user=user).grouped
        for value, label in choices
    ]  # fmt: skip


def _rating_initial(item) -> dict:
    return {
        "rating": item.rating, "evidence": item.evidence, "explanation": item.explanation,
        "what_will_change": item.what_will_change,
        "links": [f"{link['kind']}:{link['ref']}" for link in item.evidence_links or []],
    }  # fmt: skip


@login_required
def tracked_item(request, partnership_slug, period_slug, item_uuid):
    item = tracked_item_for(request.user, partnership_slug, period_slug, item_uuid)
    can_update = user_can_update_tracked_item(request.user, item)
    if request.method == "POST":
        require(can_update)
    form = None
    if can_update:
        choices = _link_choices(item.period, request.user)
        data = request.POST if request.method == "POST" else None
        form = RatingForm(data, link_choices=choices, initial=_rating_initial(item))
        if data is not None and form.is_valid():
            try:
                progress.tracked_item_rate(user=request.user, item=item, **form.cleaned_data)
            except DomainError as error:
                _show_errors(request, error, form)
            else:
                messages.success(request, "Rating saved. The report shows it in the progress chapter.")
                return _to_item(item)
    context = _base(item.period) | {"item": item, "form": form, "can_update": can_update}
    return render(request, "reports/progress/item_detail.html", context)


@login_required
def tracked_item_edit(request, partnership_slug, period_slug, item_uuid):
    item = tracked_item_for(request.user, partnership_slug, period_slug, item_uuid)
    require(user_can_update_tracked_item(request.user, item))
    can_assign = user_can_manage_tracked_items(request.user, item.period)
    initial = {"title": item.title, "detail": item.detail, "owner_agency": item.owner_agency}
    form = TrackedItemForm(
        request.POST or None, initial=initial, partnership=item.period.partnership, can_assign=can_assign
    )
    if request.method == "POST" and form.is_valid():
        try:
            progress.tracked_item_change(user=request.user, item=item, **form.cleaned_data)
        except DomainError as error:
            _show_errors(request, error, form)
        else:
            messages.success(request, "Item updated.")
            return _to_item(item)
    return render(request, "reports/progress/item_form.html", _base(item.period) | {"form": form, "item": item})
