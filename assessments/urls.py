from django.urls import path

from assessments import views
from assessments.questionnaire import views as questionnaire
from assessments.reports import views as reports
from assessments.results import views as results
from assessments.review import views as review
from assessments.teamwork import views as teamwork

urlpatterns = [
    path("", views.home, name="home"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("portfolio/", results.portfolio, name="portfolio"),
    path("assessments/start/", views.assessment_start_view, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<int:pk>/domains/<int:domain_pk>/",
        questionnaire.questionnaire,
        name="questionnaire",
    ),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/save/",
        questionnaire.autosave,
        name="autosave",
    ),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/evidence/",
        questionnaire.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/",
        questionnaire.evidence_download,
        name="evidence_download",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/delete/",
        questionnaire.evidence_remove,
        name="evidence_delete",
    ),
    path("assessments/<int:pk>/submit/", review.submit, name="submit"),
    # Teamwork (issue 16)
    path("assessments/<int:pk>/assignments/", teamwork.assignments, name="assignments"),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/discussion/",
        teamwork.discussion,
        name="discussion",
    ),
    path("assessments/<int:pk>/review/", review.review, name="review"),
    path("assessments/<int:pk>/targets/", results.targets, name="targets"),
    path("assessments/<int:pk>/results/", results.results, name="results"),
    path("assessments/<int:pk>/report.pdf", reports.report_download, name="report_pdf"),
    path("assessments/<int:pk>/marking/", reports.report_marking, name="report_marking"),
    path("assessments/<int:pk>/export.<slug:fmt>", reports.export_download, name="export"),
]
