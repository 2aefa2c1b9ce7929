from django.urls import path

from annotator.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.import_list, name="list"),
    path("imports/<int:pk>/", views.import_detail, name="detail"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="cancel"),
]
