from django.contrib import admin

from chiso.web.campaigns.admin import ReadOnlyAdmin
from chiso.web.conference.models import Attendee, Conference, ConferenceTask


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "start", "venue_name"]


@admin.register(ConferenceTask)
class ConferenceTaskAdmin(ReadOnlyAdmin):
    list_display = ["conference", "position", "owner", "deadline", "done"]
    list_filter = ["done"]


@admin.register(Attendee)
class AttendeeAdmin(ReadOnlyAdmin):
    list_display = ["conference", "name", "organisation", "group", "attended"]
    list_filter = ["attended"]
