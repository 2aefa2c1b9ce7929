"""Routes of source intake, included before the reader's so /articles/new/ is ours."""

from django.urls import path

from annotator.articles import intake_views

app_name = "intake"
urlpatterns = [
    path("articles/new/", intake_views.article_new, name="new"),
    path("articles/<int:pk>/status/", intake_views.article_status, name="status"),
]
