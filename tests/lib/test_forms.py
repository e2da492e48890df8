"""Every portal form says what to do about an empty required field, naming it; never "This field is required."."""

import importlib
import inspect

import pytest
from django import forms

from lib.forms import DJANGO_REQUIRED, PortalFormMixin, required_message

FORM_MODULES = [
    "agencies.forms", "training.forms", "reviews.forms", "reports.forms", "reports.views.report",
    "partnership.forms", "partnership.setup_forms", "people.forms",
]  # fmt: skip


class Example(PortalFormMixin, forms.Form):
    reference = forms.CharField(label="Event ID in the booking system")
    course = forms.ChoiceField(label="Course", choices=[("a", "A")])
    starts_at = forms.DateTimeField(label="Starts")
    upload = forms.FileField(label="CSV file")
    consent = forms.BooleanField(label="The person consented")
    note = forms.CharField(label="Note", error_messages={"required": "Write a note."})


def test_each_kind_of_field_gets_its_own_message():
    form = Example(data={})
    assert not form.is_valid()
    assert form.errors == {
        "reference": ["Enter event ID in the booking system."],
        "course": ["Select course."],
        "starts_at": ["Enter starts as a date and time, for example 1 October 2019 09:30."],
        "upload": ["Choose a file to upload for CSV file."],
        "consent": ["Tick the box to confirm: the person consented."],
        "note": ["Write a note."],
    }


def test_a_field_with_no_label_is_named_from_its_name():
    assert required_message(forms.CharField(), "places_offered") == "Enter places offered."


def portal_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


@pytest.mark.parametrize("cls", list(portal_forms()), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_portal_form_mixes_in_the_messages(cls):
    assert issubclass(cls, PortalFormMixin), f"{cls.__name__} should mix in lib.forms.PortalFormMixin"


@pytest.mark.django_db
def test_the_add_session_form_names_each_empty_field_once(client_as, world):
    from django.urls import reverse

    page = client_as("business_manager").post(
        reverse("training:session_add", args=[world.partnership.slug, world.period.slug]), {"reference": ""}
    )
    text = page.content.decode()
    assert DJANGO_REQUIRED not in text
    assert "Select course." in text and "Enter event ID in the booking system." in text
