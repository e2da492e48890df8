from people.mfa import mfa_waived


def sign_in(request) -> dict:
    """Whether two-factor sign-in is waived (the embedded demo only), for the banner on every page."""
    return {"mfa_waived": mfa_waived()}
