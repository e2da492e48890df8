import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import agency_for
from lib.errors import DomainError
from lib.pagination import paginate
from lib.reauth import recent_sign_in_required
from lib.views import domain_error_show
from partnership.access import period_for, require
from training.forms import AttendanceFormSet, CourseForm, ImportUploadForm, SessionForm
from training.imports import MAX_BYTES
from training.models import Course, CourseSession, ImportJob, ImportStatus
from training.permissions import user_can_manage_training, user_can_view_agency_training, user_can_view_training
from training.resources import COLUMNS
from training.selectors import (
    agency_bookings,
    course_feedback_summary,
    course_get,
    course_list,
    courses_without_sessions,
    session_bookings,
    session_get,
)
from training.services import (
    AttendanceChange,
    attendance_record,
    booking_import_cancel,
    booking_import_confirm,
    booking_import_start,
    bookings_export,
    course_change,
    course_create,
    import_progress,
    session_change,
    session_create,
)
from training.stats import training_statistics

COURSES_PER_PAGE = 20
BOOKINGS_PER_PAGE = 50

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _overseen_period(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_training(request.user, period.partnership))
    return period


@login_required
@require_GET
def course_index(request, partnership_slug, period_slug):
    period = _overseen_period(request, partnership_slug, period_slug)
    context = {
        "partnership": period.partnership,
        "period": period,
        "courses": paginate(request, course_list(period=period), what="the courses", per_page=COURSES_PER_PAGE),
        # Courses pile up over the years while a period runs only some of them: page those too.
        "idle_courses": paginate(
            request,
            courses_without_sessions(period=period),
            what="the courses with no session",
            per_page=COURSES_PER_PAGE,
            param="idle_page",
        ),
        "statistics": training_statistics(period=period),
        "can_manage": user_can_manage_training(request.user, period.partnership),
    }
    return render(request, "training/course_list.html", context)


@login_required
@require_GET
def session_detail(request, partnership_slug, period_slug, reference):
    period = _overseen_period(request, partnership_slug, period_slug)
    session = session_get(period=period, reference=reference)
    context = {
        "partnership": period.partnership,
        "period": period,
        "session": session,
        "bookings": paginate(
            request, session_bookings(session=session), what="the bookings", per_page=BOOKINGS_PER_PAGE
        ),
        "can_manage": user_can_manage_training(request.user, period.partnership),
    }
    return render(request, "training/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, partnership_slug, period_slug, reference):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_training(request.user, period.partnership))
    session = session_get(period=period, reference=reference)
    queryset = session_bookings(session=session)
    formset = AttendanceFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        changes = [
            AttendanceChange(
                booking_id=f.instance.pk, status=f.cleaned_data["status"], completed=f.cleaned_data["completed"]
            )
            for f in formset.forms
        ]
        try:
            changed = attendance_record(user=request.user, session=session, changes=changes)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            messages.success(request, f"Attendance saved: {changed} booking{'s' if changed != 1 else ''} changed.")
            return redirect("training:session", partnership_slug, period_slug, reference)
    context = {"partnership": period.partnership, "period": period, "session": session, "formset": formset}
    return render(request, "training/session_attendance.html", context)


@login_required
@require_GET
def course_feedback(request, partnership_slug, period_slug, course_slug):
    period = _overseen_period(request, partnership_slug, period_slug)
    course = course_get(period=period, slug=course_slug)
    context = {
        "partnership": period.partnership,
        "period": period,
        "course": course,
        "summary": course_feedback_summary(period=period, course=course),
    }
    return render(request, "training/course_feedback.html", context)


@login_required
@require_GET
def agency_training(request, partnership_slug, period_slug, agency_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    agency = agency_for(request.user, partnership_slug, agency_slug)
    require(user_can_view_agency_training(request.user, agency))
    context = {
        "partnership": period.partnership,
        "period": period,
        "agency": agency,
        "bookings": paginate(
            request, agency_bookings(period=period, agency=agency), what="the bookings", per_page=BOOKINGS_PER_PAGE
        ),
        "statistics": training_statistics(period=period, agency=agency),
    }
    return render(request, "training/agency_training.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_import(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_training(request.user, period.partnership))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error(
                "file",
                f"The file is larger than {MAX_BYTES // 1024 // 1024} MB. Split it and upload the parts one at a time.",
            )
        else:
            try:
                # The upload is kept as it came (a temporary file for a large one) and checked by a worker.
                job = booking_import_start(user=request.user, period=period, name=upload.name, raw=upload)
            except DomainError as error:
                domain_error_show(request, error, form)
            else:
                return redirect("training:import_job", partnership_slug, period_slug, job.pk)
    context = {
        "partnership": period.partnership,
        "period": period,
        "form": form,
        "columns": COLUMNS,
        "jobs": ImportJob.objects.filter(period=period).order_by("-created_at")[:10],
    }
    return render(request, "training/booking_import.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, partnership_slug, period_slug, job_id):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_training(request.user, period.partnership))
    job = get_object_or_404(ImportJob, period=period, pk=job_id)
    job.period = period
    if request.method == "POST":
        cancel = request.POST.get("action") == "cancel"
        try:
            (booking_import_cancel if cancel else booking_import_confirm)(user=request.user, job=job)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            job.refresh_from_db()
            if cancel:
                messages.success(request, "Cancelled: nothing was imported and the uploaded file was removed.")
            elif job.status == ImportStatus.IMPORTING:
                messages.success(request, "Importing: this page shows how far it has got.")
            elif job.status == ImportStatus.DONE:
                messages.success(
                    request,
                    f"Imported: {job.new_rows} new bookings, {job.updated_rows} updated, "
                    f"{job.unchanged_rows} unchanged.",
                )
        return redirect("training:import_job", partnership_slug, period_slug, job.pk)
    context = {
        "partnership": period.partnership,
        "period": period,
        "job": job,
        "processed": import_progress(job=job),
        "failed_days": settings.PORTAL_FAILED_IMPORT_DAYS,
    }
    return render(request, "training/import_job.html", context)


@login_required
@recent_sign_in_required
@require_GET
def booking_export(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_training(request.user, period.partnership))
    file_format = request.GET.get("format", "csv")
    try:
        content = bookings_export(user=request.user, period=period, file_format=file_format)
    except DomainError as error:
        domain_error_show(request, error)
        return redirect("training:courses", partnership_slug, period_slug)
    response = HttpResponse(content, content_type=EXPORT_TYPES[file_format])
    filename = f"training-bookings-{period.partnership.slug}-{period.slug}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _managed_period(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_training(request.user, period.partnership))
    return period


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, partnership_slug, period_slug, course_slug=None):
    period = _managed_period(request, partnership_slug, period_slug)
    course = course_get(period=period, slug=course_slug) if course_slug else None
    # The form validates a copy: the service applies the cleaned values to the row it locks.
    instance = copy.copy(course) if course else Course(partnership=period.partnership)
    form = CourseForm(request.POST or None, instance=instance, partnership=period.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = course_create(user=request.user, partnership=period.partnership, values=form.cleaned_data)
            else:
                course = course_change(user=request.user, course=course, values=form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Course '{course.title}' saved.")
            return redirect("training:courses", partnership_slug, period_slug)
    context = {"partnership": period.partnership, "period": period, "form": form, "course": course}
    return render(request, "training/course_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, partnership_slug, period_slug, reference=None):
    period = _managed_period(request, partnership_slug, period_slug)
    session = session_get(period=period, reference=reference) if reference else None
    if session is not None:
        session.period = period
    # The form validates a copy: the service applies the cleaned values to the row it locks.
    instance = copy.copy(session) if session else CourseSession(period=period)
    form = SessionForm(request.POST or None, instance=instance, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                session = session_create(user=request.user, period=period, values=form.cleaned_data)
            else:
                session = session_change(user=request.user, session=session, values=form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Session {session.reference} saved.")
            return redirect("training:session", partnership_slug, period_slug, session.reference)
    context = {"partnership": period.partnership, "period": period, "form": form, "session": session}
    return render(request, "training/session_form.html", context, status=400 if form.errors else 200)
