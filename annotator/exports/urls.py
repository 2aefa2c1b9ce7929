from django.urls import path

from annotator.exports import views

app_name = "exports"
urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/<int:pk>/cancel/", views.export_cancel, name="cancel"),
]
