import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lib.pagination import paginate
from lib.reauth import recent_sign_in_required
from lib.spreadsheets import neutralise_formula
from partnership.access import partnership_for, require
from partnership.audit import audit_actor_describe, audit_describe, audit_export_record
from partnership.forms import AuditFilterForm
from partnership.models import SubgroupMeetings
from partnership.permissions import user_can_manage_partnership, user_can_oversee_partnership, user_can_view_audit
from partnership.selectors import audit_entries_for

AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def partnership_detail(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    periods = list(partnership.periods.order_by("-start"))
    meetings = (
        SubgroupMeetings.objects.filter(subgroup__partnership=partnership)
        .select_related("period")
        .order_by("-period__start")
    )
    meetings_by_subgroup: dict[int, list] = {}
    for row in meetings:
        meetings_by_subgroup.setdefault(row.subgroup_id, []).append(row)
    subgroups = [(s, meetings_by_subgroup.get(s.pk, [])) for s in partnership.subgroups.all()]
    context = {
        "partnership": partnership,
        "periods": periods,
        "priorities": partnership.priorities.all(),
        "subgroups": subgroups,
        "can_manage": user_can_manage_partnership(request.user, partnership),
        "can_oversee": user_can_oversee_partnership(request.user, partnership),
    }
    return render(request, "partnership/partnership_detail.html", context)


def _audit_filtered(request, partnership):
    """The filter form and the matching entries; no entries while a filter is invalid (the form says why)."""
    form = AuditFilterForm(request.GET or None, partnership=partnership)
    if not form.is_bound:
        return form, audit_entries_for(partnership=partnership)
    if not form.is_valid():
        return form, None
    return form, audit_entries_for(partnership=partnership, filters=form.filters())


@login_required
@require_GET
@never_cache
def audit_log(request, partnership_slug):
    """Everything that happened in the partnership, in words, filtered and a page at a time."""
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_audit(request.user, partnership))
    form, entries = _audit_filtered(request, partnership)
    page = None
    if entries is not None:
        page = paginate(request, entries, what="the audit log", per_page=AUDIT_PAGE_SIZE)
        for entry in page:
            entry.who, entry.description = audit_actor_describe(entry), audit_describe(entry)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"partnership": partnership, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "partnership/audit_log.html", context, status=200 if page is not None else 400)


CSV_COLUMNS = ("When (UTC)", "Who", "What", "Code", "Target", "Period", "Details", "IP address")


class _Echo:
    def write(self, value):
        return value


@login_required
@recent_sign_in_required
@require_GET
@never_cache
def audit_export(request, partnership_slug):
    """The filtered audit log as CSV, formula-safe; the export itself is audited."""
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_audit(request.user, partnership))
    form, entries = _audit_filtered(request, partnership)
    if entries is None:
        return render(request, "partnership/audit_log.html", {"partnership": partnership, "form": form}, status=400)
    # Fix the rows before the export is recorded, so the file never lists its own export
    # and the row count in that entry is the number of rows in the file.
    newest = entries.aggregate(newest=Max("pk"))["newest"] or 0
    entries = entries.filter(pk__lte=newest)
    audit_export_record(
        user=request.user, partnership=partnership, rows=entries.count(), filters=dict(request.GET.items())
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=1000):
            details = {k: v for k, v in (entry.data or {}).items() if v not in ("", None, {}, [])}
            cells = (
                entry.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                audit_actor_describe(entry),
                audit_describe(entry),
                entry.code,
                entry.target_label,
                entry.period.label if entry.period_id else "",
                "; ".join(f"{k}: {v}" for k, v in details.items()),
                entry.ip or "",
            )
            yield writer.writerow([neutralise_formula(cell) for cell in cells])

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{partnership.slug}-{stamp}.csv"'
    return response
