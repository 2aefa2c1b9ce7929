from django.urls import path

from annotator.articles.api import intake_views, views

urlpatterns = [
    path("articles/", views.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/preview/", intake_views.SourcePreviewApi.as_view(), name="article-preview"),
    path(
        "articles/<int:pk>/publish/",
        intake_views.ArticlePublishApi.as_view(),
        name="article-publish",
    ),
    path(
        "articles/<int:pk>/archive/",
        intake_views.ArticleArchiveApi.as_view(),
        name="article-archive",
    ),
]
