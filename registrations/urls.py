from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("<str:token>/", views.manage, name="manage"),
    path("waitlist/<str:token>/", views.waitlist_offer, name="waitlist_offer"),
]
