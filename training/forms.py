from django import forms
from django.forms import modelformset_factory
from django.utils.text import slugify

from lib.forms import PortalFormMixin
from partnership.models import Priority
from training.models import Booking, BookingStatus, Course, CourseSession
from training.services import (
    course_duration_problem,
    course_title_problem,
    session_reference_problem,
    session_start_problem,
    session_venue_problem,
)


class AttendanceForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Booking
        fields = ("status", "completed")
        labels = {"status": "Attendance", "completed": "Completed"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("completed") and cleaned.get("status") != BookingStatus.ATTENDED:
            self.add_error(
                "completed",
                f"{self.instance.delegate_name} did not attend, so cannot have completed. "
                "Untick 'Completed' or mark them as attended.",
            )
        return cleaned


AttendanceFormSet = modelformset_factory(Booking, form=AttendanceForm, extra=0, can_delete=False)


class ImportUploadForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label="Booking system export",
        help_text="A CSV or XLSX file exported from the event booking system, at most 20 MB.",
        error_messages={
            "required": "Choose the booking system's export to upload.",
            "empty": "The file is empty. Export the attendee report again and upload the new file.",
            "invalid": "That was not a file. Choose the booking system's export to upload.",
        },
    )


class CourseForm(PortalFormMixin, forms.ModelForm):
    """A course of the partnership's programme; the rules it shows on the page are the services' own."""

    class Meta:
        model = Course
        fields = (
            "title",
            "topic",
            "delivery_partner",
            "duration_hours",
            "audience",
            "joint_with_adults",
            "priorities",
        )
        labels = {
            "duration_hours": "Length of one session, in hours",
            "joint_with_adults": "Run jointly with the adults board",
        }
        widgets = {"priorities": forms.CheckboxSelectMultiple}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["priorities"].queryset = Priority.objects.filter(partnership=partnership).order_by("position")
        self.fields["duration_hours"].error_messages["min_value"] = "Enter a length of more than 0 hours."

    def clean_duration_hours(self):
        hours = self.cleaned_data["duration_hours"]
        problem = course_duration_problem(hours) if hours is not None else ""
        if problem:
            raise forms.ValidationError(problem)
        return hours

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        problem = course_title_problem(partnership_id=self.partnership.pk, title=title, course_pk=self.instance.pk)
        if problem:
            raise forms.ValidationError(problem)
        return title


class SessionForm(PortalFormMixin, forms.ModelForm):
    """One run of a course, as the booking system lists it; the rules it shows on the page are the services' own."""

    class Meta:
        model = CourseSession
        fields = ("course", "reference", "starts_at", "online", "venue", "places_offered")
        labels = {
            "reference": "Event ID in the booking system",
            "starts_at": "Starts",
            "online": "Held online",
        }
        help_texts = {"starts_at": "For example 2019-10-01 09:30.", "reference": "For example EV-1042."}
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["course"].queryset = Course.objects.filter(partnership=period.partnership).order_by("title")
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def clean_reference(self):
        reference = slugify(self.cleaned_data["reference"])
        problem = session_reference_problem(period=self.period, reference=reference, session_pk=self.instance.pk)
        if problem:
            raise forms.ValidationError(problem)
        return reference

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        problem = session_start_problem(period=self.period, starts_at=starts_at)
        if problem:
            raise forms.ValidationError(problem)
        return starts_at

    def clean(self):
        cleaned = super().clean()
        venue = (cleaned.get("venue") or "").strip()
        problem = session_venue_problem(online=bool(cleaned.get("online")), venue=venue)
        if problem:
            self.add_error("venue", problem)
        cleaned["venue"] = venue
        return cleaned
