from django.urls import path

from people import views

app_name = "people"

PEOPLE = "p/<slug:partnership_slug>/people/"
AGENCY = "p/<slug:partnership_slug>/agencies/<slug:agency_slug>/people/"

urlpatterns = [
    path(PEOPLE, views.people_list, name="list"),
    path(PEOPLE + "invite/", views.invite, name="invite"),
    path(PEOPLE + "invitations/<int:invitation_id>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path(PEOPLE + "invitations/<int:invitation_id>/withdraw/", views.invitation_revoke_view, name="invitation_revoke"),
    path(PEOPLE + "roles/<int:membership_id>/remove/", views.membership_remove_view, name="membership_remove"),
    path(PEOPLE + "roles/<int:membership_id>/hand-over/", views.lead_hand_over_view, name="lead_hand_over"),
    path(PEOPLE + "<int:user_id>/deactivate/", views.account_deactivate_view, name="account_deactivate"),
    path(PEOPLE + "two-factor/", views.mfa_prompt, name="mfa_prompt"),
    path(AGENCY, views.agency_people, name="agency"),
    path(AGENCY + "invite/", views.agency_invite, name="agency_invite"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
