app_name = "merchants"
urlpatterns: list = []
