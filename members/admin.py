from django.contrib import admin

from members.models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["number", "last_name", "email", "valid_until"]
    search_fields = ["number", "last_name", "email"]
    list_filter = ["valid_until"]
