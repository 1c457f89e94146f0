# URL patterns of the employer ledger (issue 3); included by apps/organizations/urls.py.
urlpatterns: list = []
