"""The voice ledger's pages: the list with its filters, add, change and remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencies.models import Agency
from lib.errors import DomainError
from lib.pagination import paginate
from lib.roles import roles_for
from lib.views import domain_error_show, post_only
from partnership.access import period_for, require
from partnership.models import Priority
from reports.forms_voice import VoiceEntryForm, VoiceFilterForm
from reports.models import VoiceEntry
from reports.permissions_voice import (
    user_can_add_voice_entry,
    user_can_change_voice_entry,
    user_can_view_voice,
    user_can_view_voice_entry,
)
from reports.voice import (
    voice_entries_for,
    voice_entry_add,
    voice_entry_change,
    voice_entry_remove,
    voice_filter_choices,
)

PER_PAGE = 20


def _entry_for(user, period, entry_id: int) -> VoiceEntry:
    """An entry of the period the user may read; otherwise 404, so another agency's lead learns nothing."""
    entry = VoiceEntry.objects.filter(period=period, pk=entry_id).select_related("agency", "priority").first()
    if entry is None:
        raise Http404("No such entry.")
    entry.period = period
    if not user_can_view_voice_entry(user, entry):
        raise Http404("No such entry.")
    return entry


def _form(request, period, **kwargs) -> VoiceEntryForm:
    roles = roles_for(request.user)
    agencies = Agency.objects.filter(partnership_id=period.partnership_id).order_by("name")
    manager = period.partnership_id in roles.managed
    if not manager:
        agencies = agencies.filter(pk__in=roles.led_agencies)
    priorities = Priority.objects.filter(partnership_id=period.partnership_id).order_by("position")
    form = VoiceEntryForm(
        request.POST if request.method == "POST" else None, agencies=agencies, priorities=priorities, **kwargs
    )
    if not manager:  # an agency lead records for their own agency, never for the partnership
        form.fields["agency"].required = True
        form.fields["agency"].empty_label = None
    return form


def _page(request, template: str, context: dict):
    return render(request, template, context, status=400 if context["form"].errors else 200)


@login_required
@require_GET
def voice_ledger(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_voice(request.user, period))
    priorities, agencies = voice_filter_choices(user=request.user, period=period)
    filters = VoiceFilterForm(request.GET or None, priorities=priorities, agencies=agencies)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    entries = voice_entries_for(
        user=request.user, period=period, priority_id=chosen.get("priority"), agency_id=chosen.get("agency")
    )
    page = paginate(request, entries, what="entries", per_page=PER_PAGE)
    changeable = {e.pk for e in page.object_list if user_can_change_voice_entry(request.user, e)}
    context = {
        "partnership": period.partnership,
        "period": period,
        "filters": filters,
        "page": page,
        "changeable": changeable,
        "can_add": user_can_add_voice_entry(request.user, period),
    }
    return render(request, "reports/voice/ledger.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def voice_add(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_add_voice_entry(request.user, period))
    form = _form(request, period)
    if request.method == "POST" and form.is_valid():
        try:
            voice_entry_add(user=request.user, period=period, fields=form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, "Entry added to the voice ledger.")
            return redirect("reports:voice", period.partnership.slug, period.slug)
    return _page(request, "reports/voice/entry_form.html", {"partnership": period.partnership, "period": period,
                                                            "form": form, "entry": None})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def voice_change(request, partnership_slug, period_slug, entry_id):
    period = period_for(request.user, partnership_slug, period_slug)
    entry = _entry_for(request.user, period, entry_id)
    require(user_can_change_voice_entry(request.user, entry))
    initial = {name: getattr(entry, name) for name in VoiceEntryForm.base_fields}
    form = _form(request, period, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            voice_entry_change(user=request.user, entry=entry, fields=form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, "Entry saved.")
            return redirect("reports:voice", period.partnership.slug, period.slug)
    return _page(request, "reports/voice/entry_form.html", {"partnership": period.partnership, "period": period,
                                                            "form": form, "entry": entry})  # fmt: skip


@login_required
def voice_remove(request, partnership_slug, period_slug, entry_id):
    period = period_for(request.user, partnership_slug, period_slug)
    entry = _entry_for(request.user, period, entry_id)
    require(user_can_change_voice_entry(request.user, entry))
    if refused := post_only(request):
        return refused
    try:
        voice_entry_remove(user=request.user, entry=entry)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, "Entry removed from the voice ledger.")
    return redirect("reports:voice", period.partnership.slug, period.slug)
