from allauth.account import forms as account_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

from lib.forms import PortalFormMixin
from people.models import Role


class LoginForm(PortalFormMixin, AllauthLoginForm):
    """allauth's sign-in form with plain labels; the reset link sits under the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


# allauth's other forms, with messages that say what to enter instead of "This field is required." (settings:
# ACCOUNT_FORMS and MFA_FORMS name them).
class ReauthenticateForm(PortalFormMixin, account_forms.ReauthenticateForm):
    """Enter your password again."""


class ChangePasswordForm(PortalFormMixin, account_forms.ChangePasswordForm):
    """Change your password."""


class ResetPasswordForm(PortalFormMixin, account_forms.ResetPasswordForm):
    """Ask for a password reset link."""


class AddEmailForm(PortalFormMixin, account_forms.AddEmailForm):
    """Add an email address."""


class MfaAuthenticateForm(PortalFormMixin, mfa_forms.AuthenticateForm):
    """The second step of signing in: the authenticator's code."""


class MfaReauthenticateForm(PortalFormMixin, mfa_forms.ReauthenticateForm):
    """Enter the authenticator's code again."""


class ActivateTOTPForm(PortalFormMixin, totp_forms.ActivateTOTPForm):
    """Set up an authenticator app."""


class InviteForm(PortalFormMixin, forms.Form):
    """Whom to invite, and to which role (and agency, for agency roles)."""

    email = forms.CharField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Role")
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None,
                                    help_text="For an agency lead or contributor.")  # fmt: skip

    def __init__(self, *args, partnership, agencies, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0].value
        self.fields["agency"].choices = [("", "None: the partnership itself")] + [
            (agency.pk, agency.name) for agency in agencies
        ]
        if len(self.agencies) == 1 and all(r in (Role.AGENCY_LEAD, Role.CONTRIBUTOR) for r in roles):
            self.fields["agency"].choices = [(agency.pk, agency.name) for agency in agencies]

    def clean_agency(self):
        agency_id = self.cleaned_data.get("agency")
        if agency_id is None:
            return None
        if agency_id not in self.agencies:
            raise forms.ValidationError("Choose one of the partnership's agencies from the list.")
        return self.agencies[agency_id]


class AcceptForm(PortalFormMixin, forms.Form):
    """A new account's name and password, chosen when accepting an invitation."""

    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password and not like your name or email.",
    )  # fmt: skip
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The two passwords are different. Type the same password twice.")
        return cleaned


class HandOverForm(PortalFormMixin, forms.Form):
    """Who takes over an agency's lead role."""

    to_user = forms.TypedChoiceField(label="New lead", coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        self.fields["to_user"].choices = [(u.pk, u.get_full_name() or u.get_username()) for u in candidates]

    def clean_to_user(self):
        return self.candidates[self.cleaned_data["to_user"]]
