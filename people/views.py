"""People and their roles: the people page, invitations and accepting them."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import agency_for
from agencies.permissions import user_can_view_agency_people
from lib.errors import DomainError
from lib.pagination import page_nav
from lib.reauth import recent_sign_in_required
from lib.views import domain_error_show, post_only
from partnership.access import partnership_for, require
from people.forms import AcceptForm, HandOverForm, InviteForm
from people.invitations import (
    NewAccount,
    existing_account,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_resend,
    invitation_revoke,
)
from people.memberships import account_deactivate, lead_hand_over, membership_remove, user_can_change_membership
from people.mfa import mfa_enrolled, mfa_required_for, mfa_waived
from people.models import PRIVILEGED_ROLES, Invitation, Membership, Role
from people.permissions import user_can_invite_to_agency, user_can_manage_people
from people.selectors import agency_members, open_invitations, people_of

# Each person's row carries forms for every role they hold: 25 a page keeps a page's work near the demo's.
PEOPLE_PER_PAGE = 25


@login_required
@require_GET
@never_cache
def people_list(request, partnership_slug):
    """Who holds which role, when they last signed in, and the invitations still open."""
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_people(request.user, partnership))
    people = people_of(partnership=partnership, page=request.GET.get("page"), per_page=PEOPLE_PER_PAGE)
    people.nav = page_nav(request, people, what="the people")
    for person in people:
        for membership in person.memberships:
            membership.can_change = user_can_change_membership(request.user, membership)
        person.can_deactivate = person.user.is_active and person.user.pk != request.user.pk
    context = {
        "partnership": partnership,
        "people": people,
        "invitations": open_invitations(partnership=partnership),
    }
    return render(request, "people/people_list.html", context)


def _invite_page(request, partnership, *, agency=None, back):
    if agency is None:
        agencies, roles = list(partnership.agencies.order_by("name")), list(Role)
    elif user_can_manage_people(request.user, partnership):
        agencies, roles = [agency], [Role.AGENCY_LEAD, Role.CONTRIBUTOR]
    else:
        agencies, roles = [agency], [Role.CONTRIBUTOR]
    form = InviteForm(request.POST or None, partnership=partnership, agencies=agencies, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                user=request.user, partnership=partnership, email=data["email"], role=data["role"],
                agency=data["agency"],
            )  # fmt: skip
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. The link works for 7 days.")
            return redirect(back)
    context = {"partnership": partnership, "agency": agency, "form": form, "back": back}
    return render(request, "people/invite_form.html", context, status=400 if form.errors else 200)


@login_required
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def invite(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_people(request.user, partnership))
    return _invite_page(request, partnership, back=reverse("people:list", args=[partnership.slug]))


@login_required
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def agency_invite(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    require(user_can_invite_to_agency(request.user, agency))
    back = reverse("people:agency", args=[partnership_slug, agency_slug])
    return _invite_page(request, agency.partnership, agency=agency, back=back)


@login_required
@require_GET
@never_cache
def agency_people(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    require(user_can_view_agency_people(request.user, agency))
    people = agency_members(agency=agency)
    for membership in people:
        membership.can_change = user_can_change_membership(request.user, membership)
    can_invite = user_can_invite_to_agency(request.user, agency)
    context = {
        "partnership": agency.partnership,
        "agency": agency,
        "people": people,
        "can_invite": can_invite,
        "invitations": open_invitations(partnership=agency.partnership, agency=agency) if can_invite else [],
    }
    return render(request, "people/agency_people.html", context)


def _back(request, partnership):
    target = request.POST.get("next", "")
    if target.startswith(f"/p/{partnership.slug}/"):
        return target
    return reverse("people:list", args=[partnership.slug])


def _invitation_for(request, partnership_slug, invitation_id):
    partnership = partnership_for(request.user, partnership_slug)
    invitation = get_object_or_404(
        Invitation.objects.select_related("agency"), partnership=partnership, pk=invitation_id
    )
    invitation.partnership = partnership
    role_agency = invitation.agency
    require(
        user_can_manage_people(request.user, partnership)
        or (
            invitation.role == Role.CONTRIBUTOR and role_agency and user_can_invite_to_agency(request.user, role_agency)
        )
    )
    return partnership, invitation


@login_required
def invitation_resend_view(request, partnership_slug, invitation_id):
    partnership, invitation = _invitation_for(request, partnership_slug, invitation_id)
    if refused := post_only(request):
        return refused
    try:
        invitation_resend(user=request.user, invitation=invitation)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"A new link was sent to {invitation.email}; the old one no longer works.")
    return redirect(_back(request, partnership))


@login_required
def invitation_revoke_view(request, partnership_slug, invitation_id):
    partnership, invitation = _invitation_for(request, partnership_slug, invitation_id)
    if refused := post_only(request):
        return refused
    try:
        invitation_revoke(user=request.user, invitation=invitation)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"The invitation of {invitation.email} was withdrawn.")
    return redirect(_back(request, partnership))


def _membership_for(request, partnership_slug, membership_id):
    partnership = partnership_for(request.user, partnership_slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "agency"), partnership=partnership, pk=membership_id
    )
    return partnership, membership


@login_required
@recent_sign_in_required
def membership_remove_view(request, partnership_slug, membership_id):
    partnership, membership = _membership_for(request, partnership_slug, membership_id)
    require(user_can_change_membership(request.user, membership))
    if refused := post_only(request):
        return refused
    try:
        membership_remove(user=request.user, membership=membership)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        who = membership.user.get_full_name() or membership.user.get_username()
        messages.success(request, f"{who} no longer holds the role {membership.get_role_display().lower()}.")
    return redirect(_back(request, partnership))


@login_required
@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def lead_hand_over_view(request, partnership_slug, membership_id):
    partnership, membership = _membership_for(request, partnership_slug, membership_id)
    require(
        membership.role == Role.AGENCY_LEAD
        and (user_can_manage_people(request.user, partnership) or membership.user_id == request.user.pk)
    )
    candidates = [
        m.user for m in agency_members(agency=membership.agency) if m.user_id != membership.user_id and m.user.is_active
    ]
    candidates = list({user.pk: user for user in candidates}.values())
    form = HandOverForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            lead_hand_over(user=request.user, membership=membership, to_user=form.cleaned_data["to_user"])
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"{membership.agency.name}'s lead role was handed over.")
            return redirect("people:agency", partnership.slug, membership.agency.slug)
    context = {"partnership": partnership, "membership": membership, "form": form, "has_candidates": bool(candidates)}
    return render(request, "people/hand_over_form.html", context, status=400 if form.errors else 200)


@login_required
@recent_sign_in_required
def account_deactivate_view(request, partnership_slug, user_id):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_people(request.user, partnership))
    person = get_object_or_404(get_user_model().objects.distinct(), pk=user_id, memberships__partnership=partnership)
    if refused := post_only(request):
        return refused
    try:
        account_deactivate(user=request.user, partnership=partnership, person=person)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"{person.get_full_name() or person.get_username()} can no longer sign in.")
    return redirect("people:list", partnership.slug)


@require_http_methods(["GET", "POST"])
@never_cache
def accept(request, token):
    """Take up an invitation: choose a password for a new account, or accept as the signed-in owner of the email."""
    try:
        invitation = invitation_from_token(token)
    except DomainError as error:
        return render(request, "people/invitation_invalid.html", {"message": error.message}, status=410)
    account = existing_account(invitation)
    form = AcceptForm(request.POST or None) if account is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        new = None
        if form is not None:
            data = form.cleaned_data
            new = NewAccount(data["first_name"], data["last_name"], data["password1"])
        try:
            user = invitation_accept(token=token, user=request.user if request.user.is_authenticated else None,
                                     new_account=new)  # fmt: skip
        except DomainError as error:
            if form is None:
                domain_error_show(request, error)
            else:
                domain_error_show(request, error, form)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                # They proved who they are with the emailed link and the password just chosen, as a
                # sign-in would: setting up two-factor sign-in next does not ask for it again.
                record_authentication(request, user, method="password", reauthenticated=True)
            return redirect(_after_accept(user, invitation))
    context = {
        "invitation": invitation,
        "account": account,
        "form": form,
        "signed_in_as_other": account is not None and request.user.is_authenticated and request.user.pk != account.pk,
        "needs_sign_in": account is not None and not request.user.is_authenticated,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "people/invitation_accept.html", context, status=status)


def _after_accept(user, invitation) -> str:
    from allauth.mfa.models import Authenticator

    if invitation.role in PRIVILEGED_ROLES and not Authenticator.objects.filter(user=user).exists():
        return reverse("people:mfa_prompt", args=[invitation.partnership.slug])
    return reverse("partnership:detail", args=[invitation.partnership.slug])


@login_required
@require_GET
def mfa_prompt(request, partnership_slug):
    """After accepting a privileged role: why and how to set up two-factor sign-in."""
    partnership = partnership_for(request.user, partnership_slug)
    enrolled = mfa_enrolled(request.user)
    required = mfa_required_for(request.user) and not mfa_waived() and not enrolled
    context = {"partnership": partnership, "required": required, "enrolled": enrolled}
    return render(request, "people/mfa_prompt.html", context)
