from django.urls import path

from assessments import views, views_results

urlpatterns = [
    path("", views.home, name="home"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("portfolio/", views_results.portfolio, name="portfolio"),
    path("assessments/start/", views.assessment_start_view, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<int:pk>/domains/<int:domain_pk>/",
        views.questionnaire,
        name="questionnaire",
    ),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/save/",
        views.autosave,
        name="autosave",
    ),
    path(
        "assessments/<int:pk>/questions/<int:question_pk>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_remove,
        name="evidence_delete",
    ),
    path("assessments/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/<int:pk>/targets/", views_results.targets, name="targets"),
    path("assessments/<int:pk>/results/", views_results.results, name="results"),
    path("assessments/<int:pk>/report.pdf", views_results.report_download, name="report_pdf"),
    path("assessments/<int:pk>/export.<slug:fmt>", views_results.export_download, name="export"),
]
