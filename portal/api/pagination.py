from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # Bounded so one request can never ask for the whole register at once.
    max_page_size = 200
