from django.urls import path

from reviews import views, views_recommendations

app_name = "reviews"

urlpatterns = [
    path("p/<slug:partnership_slug>/reviews/", views.dashboard, name="dashboard"),
    path("p/<slug:partnership_slug>/reviews/new/", views.review_edit, name="create"),
    path("p/<slug:partnership_slug>/reviews/r/<slug:reference>/", views.review_detail, name="detail"),
    path("p/<slug:partnership_slug>/reviews/r/<slug:reference>/edit/", views.review_edit, name="edit"),
    path(
        "p/<slug:partnership_slug>/reviews/r/<slug:reference>/recommendations/new/",
        views_recommendations.recommendation_new,
        name="recommendation_add",
    ),
    path(
        "p/<slug:partnership_slug>/reviews/r/<slug:reference>/recommendations/<int:number>/decision/",
        views_recommendations.recommendation_decision,
        name="recommendation_decision",
    ),
    path(
        "p/<slug:partnership_slug>/reviews/r/<slug:reference>/recommendations/<int:number>/actions/new/",
        views_recommendations.action_new,
        name="action_add",
    ),
    path("p/<slug:partnership_slug>/reviews/actions/", views.action_plan, name="actions"),
    path("p/<slug:partnership_slug>/reviews/actions/<int:action_id>/", views.action_update, name="action_update"),
    path("p/<slug:partnership_slug>/reviews/risks/", views.risks, name="risks"),
    path("p/<slug:partnership_slug>/reviews/briefings/", views.briefings, name="briefings"),
    path(
        "p/<slug:partnership_slug>/reviews/briefings/<int:briefing_id>/file/", views.briefing_file, name="briefing_file"
    ),
]
