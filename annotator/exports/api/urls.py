from django.urls import path

from annotator.exports.api import views

urlpatterns = [
    path("exports/", views.ExportListCreateView.as_view(), name="export-list"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/cancel/", views.ExportCancelView.as_view(), name="export-cancel"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
