from __future__ import annotations

from django.urls import path

from interchange import views

urlpatterns = [
    path("assessments/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("assessments/<int:pk>/workbook.xlsx", views.workbook_download, name="workbook_xlsx"),
    path("assessments/<int:pk>/workbook/", views.workbook_upload, name="workbook_upload"),
    path("accounts/profile/", views.profile, name="profile"),
]
