from django.contrib import admin

from .models import Plan, Region

admin.site.register(Region)
admin.site.register(Plan)
