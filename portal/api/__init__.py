"""The portal's REST API: the shared machinery every app's `api.py` builds on.

Authentication (token or session), optimistic concurrency as ETag / If-Match over
`portal.concurrency`, one error body for every failure, pagination and the OpenAPI schema.
Serializers and viewsets stay thin: reads go through each app's selectors, writes through its
services, so the API can never apply a rule differently from the web pages.
"""
