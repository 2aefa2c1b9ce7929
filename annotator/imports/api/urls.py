from django.urls import path

from annotator.imports.api import views

urlpatterns = [
    path("imports/", views.ImportListCreateView.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import-cancel"),
    path("imports/<int:pk>/report.csv", views.ImportReportView.as_view(), name="import-report"),
]
