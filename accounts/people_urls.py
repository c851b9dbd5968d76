from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.people, name="people"),
    path("invite/", views.invite, name="people_invite"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
