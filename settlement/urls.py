"""The settlement app's pages (mounted at /settlement/ in config.urls).

Helper C adds the credit pages here too; the merchant's statements pages come with the
statement models.
"""

app_name = "settlement"
urlpatterns: list = []
