from django.urls import path

from accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.accept, name="invitation_accept"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
]
