from django.urls import path

from reports.views import challenge_register, childrens, guard, impact, period, progress, report, sections, voice

app_name = "reports"

PERIOD = "p/<slug:partnership_slug>/periods/<slug:period_slug>/"
SECTION = PERIOD + "sections/<slug:section_slug>/"
ITEM = PERIOD + "progress/<uuid:item_uuid>/"

urlpatterns = [
    path(PERIOD + "sections/", period.dashboard, name="dashboard"),
    path(PERIOD + "sections/impact-missing/", impact.impact_missing_list, name="impact_missing"),
    path(PERIOD + "changes/", period.changes, name="changes"),
    path(PERIOD + "audit/", period.audit_log, name="audit"),
    path(PERIOD + "outline/", period.outline, name="outline"),
    path(PERIOD + "outline/add/", period.spec_add, name="spec_add"),
    path(PERIOD + "outline/copy/", period.outline_copy, name="outline_copy"),
    path(PERIOD + "outline/<slug:spec_slug>/edit/", period.spec_edit, name="spec_edit"),
    path(PERIOD + "outline/<slug:spec_slug>/move/", period.spec_move, name="spec_move"),
    path(PERIOD + "report/", report.report_status, name="report"),
    path(PERIOD + "report/preview/", report.report_preview, name="report_preview"),
    path(PERIOD + "report/preview/children/", childrens.childrens_preview, name="childrens_preview"),
    path(PERIOD + "report/checklist/<slug:code>/", report.checklist_exemption_view, name="checklist_exemption"),
    path(PERIOD + "report/sign-off/", report.report_sign_off_view, name="report_sign_off"),
    path(PERIOD + "report/publish/", report.report_publish_view, name="report_publish"),
    path(PERIOD + "report/challenges/", challenge_register.challenge_register_view, name="challenge_register"),
    path(PERIOD + "report/versions/<int:number>/progress/", report.pdf_progress, name="pdf_progress"),
    path(PERIOD + "report/versions/<int:number>/retry-pdf/", report.pdf_retry, name="pdf_retry"),
    path(PERIOD + "voice/", voice.voice_ledger, name="voice"),
    path(PERIOD + "voice/add/", voice.voice_add, name="voice_add"),
    path(PERIOD + "voice/<int:entry_id>/", voice.voice_change, name="voice_change"),
    path(PERIOD + "voice/<int:entry_id>/remove/", voice.voice_remove, name="voice_remove"),
    path(PERIOD + "report/flags/", guard.guard_flags, name="guard_flags"),
    path(PERIOD + "report/flags/<int:flag_id>/", guard.guard_flag_clear_view, name="guard_flag_clear"),
    path(SECTION, sections.section_detail, name="section"),
    path(SECTION + "edit/", sections.section_edit, name="section_edit"),
    path(SECTION + "submit/", sections.section_submit, name="section_submit"),
    path(SECTION + "approve/", sections.section_approve, name="section_approve"),
    path(SECTION + "return/", sections.section_return, name="section_return"),
    path(SECTION + "assign/", sections.section_assign, name="section_assign"),
    path(SECTION + "comments/", sections.comment_add, name="comment_add"),
    path(SECTION + "challenges/", sections.challenge_raise, name="challenge_raise"),
    path(SECTION + "challenges/<int:challenge_id>/answer/", sections.challenge_answer, name="challenge_answer"),
    path(SECTION + "challenges/<int:challenge_id>/close/", sections.challenge_close, name="challenge_close"),
    path(SECTION + "history/", sections.section_history_view, name="section_history"),
    path(SECTION + "diff/", sections.section_diff, name="section_diff"),
    path(PERIOD + "progress/", progress.progress_list, name="progress"),
    path(PERIOD + "progress/add/", progress.progress_add, name="progress_add"),
    path(ITEM, progress.tracked_item, name="tracked_item"),
    path(ITEM + "edit/", progress.tracked_item_edit, name="tracked_item_edit"),
]
