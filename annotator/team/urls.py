"""The team pages (namespace `team`) and the password reset/change pages (Django's auth views)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotator.team import views

team_patterns = [
    path("", views.team_list, name="list"),
    path("invite/", views.team_invite, name="invite"),
    path("members/<int:pk>/role/", views.member_role, name="role"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="deactivate"),
    path("members/<int:pk>/reactivate/", views.member_reactivate, name="reactivate"),
    path("join/<str:token>/", views.join, name="join"),
]

urlpatterns = [
    path("team/", include((team_patterns, "team"))),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
