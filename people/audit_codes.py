"""What each of the people app's audit codes means, in words."""

AUDIT_CODES = {
    "people.signin.succeeded": "signed in",
    "people.signin.failed": "failed to sign in as {login}",
    "people.signin.throttled": "was refused sign-in as {login}: too many failed attempts",
    "people.signout": "signed out",
    "people.password.reset": "reset their password from an emailed link",
    "people.password.changed": "changed their password",
    "people.mfa.added": "turned on two-factor sign-in ({kind})",
    "people.mfa.removed": "removed a two-factor method ({kind})",
    "people.mfa.codes_regenerated": "made new recovery codes",
    "people.membership.created": "gave {target} the role {role}",
    "people.membership.changed": "changed the role of {target}",
    "people.membership.deleted": "removed the role {role} from {target}",
}
AUDIT_CODES |= {
    "people.invitation.created": "invited {target}",
    "people.invitation.resent": "sent the invitation of {target} again",
    "people.invitation.revoked": "withdrew the invitation of {target}",
    "people.invitation.accepted": "accepted the invitation as {role}",
    "people.lead.handed_over": "handed the role {role} to {to}",
    "people.account.deactivated": "deactivated the account of {target}",
}
