from django import forms
from django.db.models import Q
from django.forms import modelformset_factory
from django.utils import timezone
from django.utils.text import slugify

from partnership.models import Priority
from training.models import Booking, BookingStatus, Course, CourseSession


class AttendanceForm(forms.ModelForm):
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


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Booking system export",
        help_text="A CSV or XLSX file exported from the event booking system, at most 20 MB.",
        error_messages={
            "required": "Choose the booking system's export to upload.",
            "empty": "The file is empty. Export the attendee report again and upload the new file.",
            "invalid": "That was not a file. Choose the booking system's export to upload.",
        },
    )


def _long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


class CourseForm(forms.ModelForm):
    """A course of the partnership's programme; its address slug comes from the title."""

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
        if hours is not None and hours <= 0:
            raise forms.ValidationError("Enter a length of more than 0 hours, for example 3 or 6.5.")
        return hours

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        slug = slugify(title)[:80]
        if not slug:
            raise forms.ValidationError("Enter a title with some letters or numbers in it.")
        if slug == "add":
            raise forms.ValidationError("'Add' cannot be a course's title; give the course a longer title.")
        others = Course.objects.filter(partnership=self.partnership).exclude(pk=self.instance.pk)
        if others.filter(Q(title__iexact=title) | Q(slug=slug)).exists():
            raise forms.ValidationError(f"There is already a course called '{title}'. Give this one a different title.")
        self.instance.slug = slug if self.instance.pk is None else self.instance.slug
        return title


class SessionForm(forms.ModelForm):
    """One run of a course, as the booking system lists it."""

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
        if not reference or reference == "add":
            raise forms.ValidationError("Enter the Event ID from the booking system, for example EV-1042.")
        if len(reference) > 40:
            raise forms.ValidationError("Enter an Event ID of at most 40 letters, numbers and hyphens.")
        others = CourseSession.objects.filter(period=self.period, reference=reference).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                f"There is already a session {reference} in {self.period.label}. "
                "Check the Event ID in the booking system."
            )
        return reference

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        day = timezone.localtime(starts_at).date()
        if not self.period.start <= day <= self.period.end:
            raise forms.ValidationError(
                f"Enter a start between {_long_date(self.period.start)} and {_long_date(self.period.end)}, "
                f"the dates of {self.period.label}."
            )
        return starts_at

    def clean(self):
        cleaned = super().clean()
        venue, online = (cleaned.get("venue") or "").strip(), cleaned.get("online")
        if online and venue:
            self.add_error("venue", "Leave the venue blank for an online session, or untick 'Held online'.")
        elif not online and not venue:
            self.add_error("venue", "Enter the venue, or tick 'Held online'.")
        cleaned["venue"] = venue
        return cleaned
