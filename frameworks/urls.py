from django.urls import path

from frameworks import views

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("<slug:key>/", views.framework_detail, name="framework_detail"),
    path("<slug:key>/rev/<int:revision>/", views.framework_detail, name="framework_revision"),
]
