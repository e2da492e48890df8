"""The business manager sets the partnership up through services: each refuses other roles, names every
problem with the input and writes nothing then, and audits what it changed with the before and after values."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from PIL import Image

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership import services
from partnership.models import AuditEntry, Oversight, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings
from partnership.selectors import days_late, overseeing_subgroup, priorities_current
from partnership.services import LogoFile

TODAY = datetime.date(2021, 5, 1)
D = datetime.date


def entries(code):
    return list(AuditEntry.objects.filter(code=code))


def only_entry(code):
    found = entries(code)
    assert len(found) == 1, found
    return found[0]


def problems(call) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        call()
    return refused.value.errors


def settings_args(world, **changes):
    return {
        "user": world.users["business_manager"],
        "partnership": world.partnership,
        "name": "Test Partnership",
        "short_name": "TSP",
        "area": "Somewhere",
        "about": "",
    } | changes


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(buffer, "PNG")
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="5"/></svg>'
)


# Partnership settings ------------------------------------------------------------------------


def test_business_manager_changes_the_settings_and_the_change_is_audited(world):
    change = services.partnership_settings_change(
        **settings_args(world, name="Northshire Safeguarding Children Partnership", about="Who we are.")
    )
    world.partnership.refresh_from_db()
    assert (world.partnership.name, world.partnership.about) == (
        "Northshire Safeguarding Children Partnership",
        "Who we are.",
    )
    assert change.changed == ["name", "about"]
    entry = only_entry("partnership.partnership.changed")
    assert entry.actor == world.users["business_manager"]
    assert entry.partnership_id == world.partnership.pk
    assert entry.data["changes"] == {
        "name": ["Test Partnership", "Northshire Safeguarding Children Partnership"],
        "about": ["", "Who we are."],
    }


def test_saving_unchanged_settings_writes_no_audit_entry(world):
    change = services.partnership_settings_change(**settings_args(world))
    assert change.changed == []
    assert entries("partnership.partnership.changed") == []


@pytest.mark.parametrize("role", ["scrutineer", "lead_a", "outsider"])
def test_only_the_business_manager_changes_the_settings(world, role):
    with pytest.raises(NotAllowed) as refused:
        services.partnership_settings_change(**settings_args(world, user=world.users[role], name="Taken over"))
    assert refused.value.message == "Only the business manager can change the partnership's settings."
    assert Partnership.objects.get().name == "Test Partnership"
    assert AuditEntry.objects.count() == 0


def test_every_missing_setting_is_named_at_once_and_nothing_is_saved(world):
    assert problems(
        lambda: services.partnership_settings_change(**settings_args(world, name=" ", short_name="", area=""))
    ) == [
        "Enter the partnership's name.",
        "Enter a short name, for example the initials the partnership goes by.",
        "Enter the local authority area the partnership covers.",
    ]
    assert Partnership.objects.get().short_name == "TSP"
    assert AuditEntry.objects.count() == 0


def test_the_small_numbers_threshold_is_changed_and_audited(world):
    assert Partnership.objects.get().small_numbers_threshold == 5
    change = services.partnership_settings_change(**settings_args(world, small_numbers_threshold=10))
    assert change.changed == ["small_numbers_threshold"]
    assert Partnership.objects.get().small_numbers_threshold == 10
    assert only_entry("partnership.partnership.changed").data["changes"] == {"small_numbers_threshold": [5, 10]}


def test_leaving_the_threshold_out_keeps_it(world):
    services.partnership_settings_change(**settings_args(world, small_numbers_threshold=None))
    assert Partnership.objects.get().small_numbers_threshold == 5


@pytest.mark.parametrize("value", [1, 21, 0])
def test_a_threshold_outside_2_to_20_is_refused_and_nothing_changes(world, value):
    assert problems(
        lambda: services.partnership_settings_change(**settings_args(world, small_numbers_threshold=value))
    ) == [
        "Enter a small numbers threshold between 2 and 20; most partnerships use 5, so that any count from 1 to 4 "
        "is checked before publishing."
    ]
    assert Partnership.objects.get().small_numbers_threshold == 5


@pytest.mark.parametrize("value", [2, 20])
def test_the_ends_of_the_threshold_range_are_accepted(world, value):
    services.partnership_settings_change(**settings_args(world, small_numbers_threshold=value))
    assert Partnership.objects.get().small_numbers_threshold == value


def test_a_name_another_partnership_has_is_refused(world):
    Partnership.objects.create(name="Other Partnership", short_name="OP", slug="op", area="Elsewhere")
    assert problems(lambda: services.partnership_settings_change(**settings_args(world, name="other partnership"))) == [
        "Another partnership on this portal already has that name. Enter your partnership's full name."
    ]


def test_a_too_long_short_name_says_how_long_it_may_be(world):
    assert problems(lambda: services.partnership_settings_change(**settings_args(world, short_name="X" * 31))) == [
        "Keep the short name to 30 characters or fewer (it has 31)."
    ]


def test_an_svg_logo_is_saved_without_its_script(world):
    change = services.partnership_settings_change(
        **settings_args(world, logo=LogoFile(name="Logo.SVG", content=SVG_WITH_SCRIPT))
    )
    assert change.logo_removed == ["<script>", "onload"]
    partnership = Partnership.objects.get()
    assert partnership.logo.name.startswith("partnership-logos/tsp")
    assert partnership.logo.name.endswith(".svg")
    with partnership.logo.open("rb") as handle:
        saved = handle.read()
    assert b"script" not in saved and b"onload" not in saved and b'<rect width="5">' in saved
    entry = only_entry("partnership.partnership.changed")
    assert entry.data["changes"] == {"logo": ["", partnership.logo.name]}


def test_a_png_logo_is_saved_as_it_came(world):
    services.partnership_settings_change(**settings_args(world, logo=LogoFile(name="logo.png", content=png_bytes())))
    partnership = Partnership.objects.get()
    with partnership.logo.open("rb") as handle:
        assert handle.read() == png_bytes()


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (
            LogoFile(name="report.pdf", content=b"%PDF-1.4"),
            "The logo must be an SVG or a PNG file. Choose a file whose name ends in .svg or .png.",
        ),
        (
            LogoFile(name="logo.png", content=b"%PDF-1.4 renamed"),
            "The file is not a PNG image. Upload the logo as an SVG or a PNG file.",
        ),
        (
            LogoFile(name="logo.svg", content=b"just some text"),
            "The logo could not be read as an SVG image (it is not well-formed XML). "
            "Export it from your drawing program as SVG again, or upload a PNG.",
        ),
        (
            LogoFile(name="logo.svg", content=b"<svg>" + b" " * 512 * 1024 + b"</svg>"),
            "The logo is 512 KB; it can be at most 512 KB. "
            "Save a smaller version (an SVG, or a PNG of fewer pixels) and upload that.",
        ),
    ],
)
def test_a_logo_that_is_not_a_safe_image_is_refused_and_nothing_is_saved(world, logo, message):
    assert problems(lambda: services.partnership_settings_change(**settings_args(world, name="New", logo=logo))) == [
        message
    ]
    partnership = Partnership.objects.get()
    assert (partnership.name, partnership.logo.name) == ("Test Partnership", "")
    assert AuditEntry.objects.count() == 0


def test_a_logo_of_exactly_512_kb_is_accepted(world):
    head, tail = b'<svg xmlns="http://www.w3.org/2000/svg">', b"</svg>"
    content = head + b" " * (512 * 1024 - len(head) - len(tail)) + tail
    services.partnership_settings_change(**settings_args(world, logo=LogoFile(name="logo.svg", content=content)))
    assert Partnership.objects.get().logo.name.endswith(".svg")


def test_the_logo_can_be_removed(world):
    services.partnership_settings_change(**settings_args(world, logo=LogoFile(name="l.png", content=png_bytes())))
    services.partnership_settings_change(**settings_args(world, logo_remove=True))
    assert Partnership.objects.get().logo.name == ""
    assert len(entries("partnership.partnership.changed")) == 2


# Reporting periods ---------------------------------------------------------------------------


def open_args(world, **changes):
    return {
        "user": world.users["business_manager"],
        "partnership": world.partnership,
        "label": "2020/21",
        "start": D(2020, 4, 1),
        "end": D(2021, 3, 31),
        "submission_deadline": D(2021, 9, 30),
        "today": TODAY,
    } | changes


def test_business_manager_opens_a_period_whose_address_comes_from_its_label(world):
    period = services.period_open(**open_args(world))
    assert (period.slug, period.is_catch_up, period.closed_at) == ("2020-21", False, None)
    entry = only_entry("partnership.period.created")
    assert (entry.period_id, entry.target_label, entry.actor) == (period.pk, "2020/21", world.users["business_manager"])
    assert entry.data["changes"]["label"] == [None, "2020/21"]
    assert entry.data["changes"]["submission_deadline"] == [None, "2021-09-30"]


def test_a_typed_address_is_kept(world):
    assert services.period_open(**open_args(world, slug="Year-2020-21")).slug == "year-2020-21"


def test_a_period_whose_deadline_has_passed_is_a_catch_up_period_with_no_days_late(world):
    period = services.period_open(
        **open_args(world, label="2014/15", start=D(2014, 4, 1), end=D(2015, 3, 31), submission_deadline=D(2015, 9, 30))
    )
    assert period.is_catch_up is True
    assert days_late(period, TODAY) is None


def test_a_period_opened_on_its_deadline_day_is_not_a_catch_up_period(world):
    period = services.period_open(**open_args(world, submission_deadline=TODAY))
    assert period.is_catch_up is False


def test_days_late_counts_from_the_deadline_of_an_ordinary_period(world):
    period = services.period_open(**open_args(world))
    assert days_late(period, D(2021, 9, 30)) == 0
    assert days_late(period, D(2021, 10, 3)) == 3
    assert days_late(period, D(2021, 5, 1)) == 0


def test_a_duplicate_address_is_refused(world):
    assert problems(lambda: services.period_open(**open_args(world, slug="2019-20"))) == [
        "Another period of this partnership already uses the address '2019-20'. Choose another."
    ]
    assert ReportingPeriod.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_an_address_made_from_a_label_skips_the_ones_taken(world):
    period = services.period_open(**open_args(world, label="2019-20 (revised)", slug=""))
    assert period.slug == "2019-20-revised"
    other = services.period_open(**open_args(world, label="2019 20", slug=""))
    assert other.slug == "2019-20-2"


def test_bad_dates_and_a_duplicate_label_are_all_named_and_nothing_is_written(world):
    assert problems(
        lambda: services.period_open(
            **open_args(
                world, label="2019/20", start=D(2021, 4, 1), end=D(2020, 3, 31), submission_deadline=D(2021, 1, 1)
            )
        )
    ) == [
        "There is already a period labelled '2019/20'. Choose another label.",
        "The end date must be after the start date.",
        "The submission deadline must be after the start date.",
    ]
    assert ReportingPeriod.objects.count() == 1
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": ""}, "Enter a label for the period, as the report prints it, for example 2019/20."),
        ({"end": D(2020, 4, 1)}, "The end date must be after the start date."),
        ({"submission_deadline": D(2020, 3, 1)}, "The submission deadline must be after the start date."),
        ({"start": None}, "Enter the start date, the end date and the submission deadline."),
        (
            {"arrangements_began": D(2021, 6, 1)},
            "The date the arrangements took effect must be within the period, or left blank.",
        ),
        (
            {"slug": "2020/21"},
            "Enter an address of at most 20 characters, using only lower-case letters, digits and single hyphens "
            "between them, for example 2019-20. Or leave it blank to have one made from the label.",
        ),
        ({"slug": "new"}, "The address 'new' is kept for the portal's own pages. Choose another."),
    ],
)
def test_bad_period_input_is_refused_with_what_to_do(world, changes, message):
    assert problems(lambda: services.period_open(**open_args(world, **changes))) == [message]
    assert ReportingPeriod.objects.count() == 1


@pytest.mark.parametrize("role", ["scrutineer", "lead_a", "outsider"])
def test_only_the_business_manager_opens_a_period(world, role):
    with pytest.raises(NotAllowed) as refused:
        services.period_open(**open_args(world, user=world.users[role]))
    assert refused.value.message == "Only the business manager can open a reporting period."
    assert ReportingPeriod.objects.count() == 1


def change_args(world, **changes):
    return {
        "user": world.users["business_manager"],
        "period": world.period,
        "label": "2019/20",
        "start": D(2019, 4, 1),
        "end": D(2020, 3, 31),
        "submission_deadline": D(2020, 9, 30),
        "notes": "",
        "today": D(2020, 5, 1),
    } | changes


def test_business_manager_changes_a_period_and_its_address_stays(world):
    period = services.period_change(**change_args(world, label="2019 to 2020", notes="A year of change."))
    assert (period.label, period.slug, period.notes) == ("2019 to 2020", "2019-20", "A year of change.")
    entry = only_entry("partnership.period.changed")
    assert entry.data["changes"] == {"label": ["2019/20", "2019 to 2020"], "notes": ["", "A year of change."]}


def test_moving_the_deadline_into_the_past_makes_a_catch_up_period_and_back_again(world):
    period = services.period_change(**change_args(world, submission_deadline=D(2020, 4, 30)))
    assert period.is_catch_up is True
    period = services.period_change(**change_args(world, submission_deadline=D(2020, 6, 30)))
    assert period.is_catch_up is False
    assert [e.data["changes"]["is_catch_up"] for e in entries("partnership.period.changed")] == [
        [True, False],
        [False, True],
    ]


def test_other_changes_leave_a_period_as_it_was_even_after_its_deadline(world):
    period = services.period_change(**change_args(world, notes="Late.", today=D(2021, 1, 1)))
    assert period.is_catch_up is False


def test_a_changed_period_is_checked_like_a_new_one(world):
    services.period_open(**open_args(world))
    assert problems(lambda: services.period_change(**change_args(world, label="2020/21", end=D(2019, 1, 1)))) == [
        "There is already a period labelled '2020/21'. Choose another label.",
        "The end date must be after the start date.",
    ]
    world.period.refresh_from_db()
    assert world.period.label == "2019/20"


def test_the_scrutineer_cannot_change_a_period(world):
    with pytest.raises(NotAllowed):
        services.period_change(**change_args(world, user=world.users["scrutineer"], label="Hijacked"))
    world.period.refresh_from_db()
    assert world.period.label == "2019/20"


def test_business_manager_closes_a_period_once(world):
    period = services.period_close(user=world.users["business_manager"], period=world.period)
    assert period.closed_at is not None
    entry = only_entry("partnership.period.closed")
    assert entry.data["changes"]["closed_at"][0] is None
    with pytest.raises(WorkflowError) as refused:
        services.period_close(user=world.users["business_manager"], period=world.period)
    assert refused.value.message.startswith("2019/20 was already closed on ")
    assert len(entries("partnership.period.closed")) == 1


def test_a_closed_period_cannot_change(world):
    services.period_close(user=world.users["business_manager"], period=world.period)
    with pytest.raises(WorkflowError) as refused:
        services.period_change(**change_args(world, notes="Afterwards."))
    assert refused.value.message == "2019/20 is closed, so it cannot be changed."


def test_the_scrutineer_cannot_close_a_period(world):
    with pytest.raises(NotAllowed) as refused:
        services.period_close(user=world.users["scrutineer"], period=world.period)
    assert refused.value.message == "Only the business manager can close a reporting period."
    world.period.refresh_from_db()
    assert world.period.closed_at is None


# Priorities ----------------------------------------------------------------------------------


def add_priority(world, title, **extra):
    return services.priority_add(
        user=world.users["business_manager"], partnership=world.partnership, title=title, **extra
    )


def test_business_manager_adds_priorities_in_order(world):
    first = add_priority(world, "Neglect", description="Recognise it early.")
    second = add_priority(world, "Exploitation")
    assert (first.position, second.position) == (1, 2)
    entry = AuditEntry.objects.filter(code="partnership.priority.created").order_by("pk").first()
    assert entry.target_label == "Neglect"
    assert entry.data["changes"] == {
        "title": [None, "Neglect"],
        "description": [None, "Recognise it early."],
        "position": [None, 1],
    }


def test_a_priority_title_already_used_is_refused(world):
    add_priority(world, "Neglect")
    assert problems(lambda: add_priority(world, " neglect ")) == [
        "There is already a priority called 'neglect' (it may be retired). Give this one a different title."
    ]
    assert Priority.objects.count() == 1


def test_a_priority_needs_a_title(world):
    assert problems(lambda: add_priority(world, "")) == ["Enter the priority's title."]
    assert Priority.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_business_manager_changes_a_priority(world):
    priority = add_priority(world, "Neglect")
    services.priority_change(user=world.users["business_manager"], priority=priority, title="Neglect and harm")
    assert Priority.objects.get().title == "Neglect and harm"
    assert only_entry("partnership.priority.changed").data["changes"] == {"title": ["Neglect", "Neglect and harm"]}


def test_priorities_move_up_and_down_past_retired_ones(world):
    manager = world.users["business_manager"]
    a, b, c = (add_priority(world, t) for t in ("A", "B", "C"))
    services.priority_retire(user=manager, priority=b)
    services.priority_move(user=manager, priority=c, direction="up")
    assert list(priorities_current(partnership=world.partnership).values_list("title", flat=True)) == ["C", "A"]
    entry = only_entry("partnership.priority.moved")
    assert (entry.data["direction"], entry.data["changes"]) == ("up", {"position": [3, 1]})
    assert Priority.objects.get(pk=b.pk).position == 2
    with pytest.raises(InvalidInput) as refused:
        services.priority_move(user=manager, priority=c, direction="up")
    assert refused.value.errors == ["'C' is already at the top."]
    services.priority_move(user=manager, priority=c, direction="down")
    assert list(priorities_current(partnership=world.partnership).values_list("title", flat=True)) == ["A", "C"]


def test_a_retired_priority_cannot_be_moved_or_retired_again(world):
    manager = world.users["business_manager"]
    priority = add_priority(world, "Neglect")
    services.priority_retire(user=manager, priority=priority)
    with pytest.raises(WorkflowError) as moved:
        services.priority_move(user=manager, priority=priority, direction="up")
    assert moved.value.message == "'Neglect' is retired, so it has no place in the list to move to."
    with pytest.raises(WorkflowError) as retired:
        services.priority_retire(user=manager, priority=priority)
    assert retired.value.message == "'Neglect' is already retired."


def test_a_retired_priority_stays_on_what_cited_it_but_is_not_offered_again(world):
    from reports.models import SectionSpec

    priority = add_priority(world, "Neglect")
    spec = SectionSpec.objects.create(period=world.period, position=1, slug="s", title="S", owner_agency=world.agency_a)
    spec.priorities.add(priority)
    services.priority_retire(user=world.users["business_manager"], priority=priority)
    assert list(spec.priorities.all()) == [priority]
    assert list(priorities_current(partnership=world.partnership)) == []
    entry = only_entry("partnership.priority.retired")
    assert entry.data["changes"]["retired_at"][0] is None


def test_moving_needs_a_direction(world):
    priority = add_priority(world, "Neglect")
    assert problems(
        lambda: services.priority_move(user=world.users["business_manager"], priority=priority, direction="sideways")
    ) == ["Choose to move the priority up or down."]


@pytest.mark.parametrize(
    "call",
    [
        lambda w, p: services.priority_add(user=w.users["scrutineer"], partnership=w.partnership, title="X"),
        lambda w, p: services.priority_change(user=w.users["scrutineer"], priority=p, title="X"),
        lambda w, p: services.priority_move(user=w.users["scrutineer"], priority=p, direction="down"),
        lambda w, p: services.priority_retire(user=w.users["scrutineer"], priority=p),
    ],
    ids=["add", "change", "move", "retire"],
)
def test_the_scrutineer_cannot_change_priorities(world, call):
    priority = add_priority(world, "Neglect")
    add_priority(world, "Exploitation")
    before = AuditEntry.objects.count()
    with pytest.raises(NotAllowed) as refused:
        call(world, priority)
    assert refused.value.message == "Only the business manager can change the partnership's priorities."
    assert list(Priority.objects.values_list("title", "position", "retired_at")) == [
        ("Neglect", 1, None),
        ("Exploitation", 2, None),
    ]
    assert AuditEntry.objects.count() == before


# Subgroups -----------------------------------------------------------------------------------


def add_subgroup(world, name, **extra):
    return services.subgroup_add(
        user=world.users["business_manager"], partnership=world.partnership, name=name, **extra
    )


def test_business_manager_adds_a_subgroup_whose_address_comes_from_its_name(world):
    subgroup = add_subgroup(world, "Learning & Review", purpose="Learns from cases.", chair="Head of service")
    assert (subgroup.slug, subgroup.position, subgroup.oversees) == ("learning-review", 1, "")
    entry = only_entry("partnership.subgroup.created")
    assert entry.data["changes"]["name"] == [None, "Learning & Review"]
    assert entry.data["changes"]["slug"] == [None, "learning-review"]


def test_the_subgroup_marked_for_reviews_is_the_one_the_report_names(world):
    assert overseeing_subgroup(world.partnership, "reviews") is None
    subgroup = add_subgroup(world, "Case Review Group", oversees=Oversight.REVIEWS)
    add_subgroup(world, "Workforce Development", oversees=Oversight.TRAINING)
    assert overseeing_subgroup(world.partnership, "reviews") == subgroup
    assert overseeing_subgroup(world.partnership, "training").name == "Workforce Development"
    with pytest.raises(ValueError):
        overseeing_subgroup(world.partnership, "")


def test_only_one_subgroup_oversees_each_kind(world):
    add_subgroup(world, "Case Review Group", oversees=Oversight.REVIEWS)
    assert problems(lambda: add_subgroup(world, "Another", oversees=Oversight.REVIEWS)) == [
        "Case Review Group already oversees practice reviews. Only one subgroup can: "
        "change Case Review Group to 'Neither' first, then mark this one."
    ]
    assert Subgroup.objects.count() == 1


def test_the_database_keeps_one_overseer_per_kind_too(world):
    Subgroup.objects.create(partnership=world.partnership, name="A", slug="a", oversees="reviews")
    Subgroup.objects.create(partnership=world.partnership, name="B", slug="b", oversees="")
    Subgroup.objects.create(partnership=world.partnership, name="C", slug="c", oversees="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subgroup.objects.create(partnership=world.partnership, name="D", slug="d", oversees="reviews")


def test_subgroup_input_problems_are_named_together(world):
    add_subgroup(world, "Learning")
    assert problems(lambda: add_subgroup(world, "learning", slug="learning", oversees="everything")) == [
        "There is already a subgroup called 'learning'. Give this one a different name.",
        "Another subgroup of this partnership already uses the address 'learning'. Choose another.",
        "Choose whether this subgroup oversees practice reviews, training or neither.",
    ]
    assert problems(lambda: add_subgroup(world, "")) == ["Enter the subgroup's name."]
    assert Subgroup.objects.count() == 1


def test_business_manager_changes_a_subgroup_and_hands_over_oversight(world):
    manager = world.users["business_manager"]
    old = add_subgroup(world, "Old Group", oversees=Oversight.REVIEWS)
    new = add_subgroup(world, "New Group")
    services.subgroup_change(user=manager, subgroup=old, name="Old Group", slug="old-group")
    services.subgroup_change(
        user=manager, subgroup=new, name="New Group", slug="", purpose="Reviews cases.", oversees="reviews"
    )
    assert overseeing_subgroup(world.partnership, "reviews").name == "New Group"
    changes = [e.data["changes"] for e in AuditEntry.objects.filter(code="partnership.subgroup.changed").order_by("pk")]
    assert changes == [
        {"oversees": ["reviews", ""]},
        {"purpose": ["", "Reviews cases."], "oversees": ["", "reviews"]},
    ]


def test_the_scrutineer_cannot_change_subgroups(world):
    subgroup = add_subgroup(world, "Learning")
    with pytest.raises(NotAllowed) as refused:
        services.subgroup_change(user=world.users["scrutineer"], subgroup=subgroup, name="Renamed")
    assert refused.value.message == "Only the business manager can change the partnership's subgroups."
    with pytest.raises(NotAllowed):
        services.subgroup_add(user=world.users["scrutineer"], partnership=world.partnership, name="New")
    assert list(Subgroup.objects.values_list("name", flat=True)) == ["Learning"]


def test_business_manager_records_and_corrects_meetings(world):
    manager = world.users["business_manager"]
    subgroup = add_subgroup(world, "Learning")
    services.subgroup_meetings_record(user=manager, subgroup=subgroup, period=world.period, meetings_held=5)
    services.subgroup_meetings_record(user=manager, subgroup=subgroup, period=world.period, meetings_held=6)
    services.subgroup_meetings_record(user=manager, subgroup=subgroup, period=world.period, meetings_held=6)
    assert SubgroupMeetings.objects.get().meetings_held == 6
    created = only_entry("partnership.subgroupmeetings.created")
    assert (created.period_id, created.target_label, created.data["changes"]) == (
        world.period.pk,
        "Learning",
        {"meetings_held": [None, 5]},
    )
    assert only_entry("partnership.subgroupmeetings.changed").data["changes"] == {"meetings_held": [5, 6]}


@pytest.mark.parametrize("held", [None, -1, 367])
def test_a_meeting_count_out_of_range_is_refused(world, held):
    subgroup = add_subgroup(world, "Learning")
    assert problems(
        lambda: services.subgroup_meetings_record(
            user=world.users["business_manager"], subgroup=subgroup, period=world.period, meetings_held=held
        )
    ) == ["Enter how many times it met in the period, a whole number from 0 to 366."]
    assert SubgroupMeetings.objects.count() == 0


def test_meetings_of_another_partnerships_period_are_refused(world):
    from tests.factories import PeriodFactory

    subgroup = add_subgroup(world, "Learning")
    assert problems(
        lambda: services.subgroup_meetings_record(
            user=world.users["business_manager"], subgroup=subgroup, period=PeriodFactory(), meetings_held=3
        )
    ) == ["Choose a reporting period of this partnership."]


def test_a_closed_periods_meetings_stay_as_they_were(world):
    manager = world.users["business_manager"]
    subgroup = add_subgroup(world, "Learning")
    services.period_close(user=manager, period=world.period)
    with pytest.raises(WorkflowError) as refused:
        services.subgroup_meetings_record(user=manager, subgroup=subgroup, period=world.period, meetings_held=3)
    assert refused.value.message == "2019/20 is closed, so its meeting counts cannot change."


def test_the_scrutineer_cannot_record_meetings(world):
    subgroup = add_subgroup(world, "Learning")
    with pytest.raises(NotAllowed) as refused:
        services.subgroup_meetings_record(
            user=world.users["scrutineer"], subgroup=subgroup, period=world.period, meetings_held=3
        )
    assert refused.value.message == "Only the business manager can record subgroup meetings."
    assert SubgroupMeetings.objects.count() == 0
