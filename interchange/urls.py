from __future__ import annotations

from django.urls import path

from interchange import views

urlpatterns = [
    path("assessments/<int:pk>/report.docx", views.report_docx, name="report_docx"),
]
