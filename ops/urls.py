from django.urls import path

from ops import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("assessments/<int:pk>/report/status/", views.report_status, name="report_status"),
    path("portfolio/exports/<uuid:job_id>/", views.export_status, name="export_status"),
    path("account/notifications/", views.notification_preferences, name="notification_preferences"),
]
