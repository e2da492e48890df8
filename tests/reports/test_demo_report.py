"""The published demo report against the reference report it reproduces."""

import re
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from reports.models import PdfState, PublishedReport
from tests.reports.pdf_rules import pdf_ua_problems

pytestmark = pytest.mark.django_db(transaction=True)

# The reference report's contents list, in order.
REFERENCE_CONTENTS = [
    "Introduction from the Independent Scrutineer",
    "About Dudley",
    "Deprivation, Child Poverty and Family Income",
    "Education, Employment and Training amongst Young People",
    "Health Inequalities",
    "Governance Arrangements",
    "Role and Functions of Dudley Safeguarding Children Partnership Group (DSCPG)",
    "Membership of DSCPG",
    "Funding Arrangements",
    "Structure and Arrangements",
    "Performance Data",
    "Partnership Working",
    "Dudley MBC",
    "West Midlands Police",
    "Dudley Clinical Commissioning Group",
    "Dudley Group NHS Foundation Trust",
    "Black Country Partnership NHS Foundation Trust",
    "Healthwatch Dudley",
    "Public Health",
    "Annual Monitoring functions",
    "Child Sexual Exploitation (CSE)",
    "LADO",
    "Missing children and young people",
    "Safeguarding in Education",
    "Child Death Overview Panel (CDOP)",
    "Multi-Agency Training",
    "Serious Case Reviews / Child Safeguarding Practice Reviews",
    "Voice of the Child",
    "Summary",
    "Appendix 1 – Voice of the Child case studies",
    "Appendix 2 - Dudley MBC Participation and Engagement",
]


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("publish_report", "dudley", "2019-20", "--if-unpublished", stdout=out)
    version = PublishedReport.objects.get(period__slug="2019-20", number=1)
    html = default_storage.open(version.html.name).read().decode()
    return version, html, out.getvalue()


def headings(html):
    found = re.findall(r'class="section-heading"><span class="number">[\d.]+</span> ([^<]+)</h[23]>', html)
    return [heading.replace("&amp;", "&").replace("&#x27;", "'") for heading in found]


def test_every_reference_heading_appears_in_order(published):
    _, html, _ = published
    found = headings(html)
    positions = [found.index(title) for title in REFERENCE_CONTENTS]
    assert positions == sorted(positions)


def test_key_figures_are_present(published):
    _, html, _ = published
    assert '<td class="numeric">£380,150</td>' in html
    assert "602 missing episodes by 220 children" in html
    referral = html[html.index("<caption>Referral by source</caption>") :][:3000]
    assert '<th scope="col" class="numeric">Dudley</th>' in referral
    assert '<th scope="col" class="numeric">West Midlands</th>' in referral
    assert '<th scope="col" class="numeric">England</th>' in referral
    assert '<th scope="row">Police</th><td class="numeric">23.7%</td><td class="numeric">27%</td>' in referral
    assert "<strong>45</strong> courses delivered" in html


def test_cover_carries_the_partnership_name_and_logo(published):
    _, html, _ = published
    assert '<img class="cover__logo" src="data:image/svg+xml;base64,' in html
    assert 'alt="Dudley Safeguarding Children Partnership Group logo"' in html


def test_demo_pdf_is_made_tagged_to_the_rules_and_the_command_says_where(published):
    """One test, since the demo's PDF takes a while to make: made, said where, and meeting the
    structure rules of PDF/UA-1 (one H1, figures described, lists as Lbl + LBody, margins as artifacts)."""
    version, _, output = published
    assert version.pdf_state == PdfState.READY
    assert "Public page: /reports/dudley/2019-20/v1/" in output
    assert f"sha256 {version.pdf_sha256}, {version.pdf_pages} pages" in output
    with default_storage.open(version.pdf.name) as handle:
        assert pdf_ua_problems(handle.read()) == []
