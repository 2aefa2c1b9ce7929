from django.urls import path

from annotator.annotations.api import views

urlpatterns = [
    path("annotations/", views.AnnotationListApi.as_view(), name="annotation-list"),
    path("annotations/<int:pk>/", views.AnnotationDetailApi.as_view(), name="annotation-detail"),
]
