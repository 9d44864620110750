"""Every named route and the permission it needs, declared once.

Value: a permission code ("estates.view"), `PUBLIC` (no login), `AUTHENTICATED` (any
logged-in user), `OWNER` (owner portal accounts only) or `STAFF` (any staff user).
The test suite walks every URL pattern: a route missing here fails it, and each role is
checked against the permission (allowed → not 403/404, denied → 403/404 with no data).
"""

PUBLIC = "public"
AUTHENTICATED = "authenticated"
OWNER = "owner"
STAFF = "staff"

ROUTES: dict[str, str] = {
    "home": AUTHENTICATED,
    "accounts:login": PUBLIC,
    "accounts:logout": AUTHENTICATED,
    "accounts:switch_community": STAFF,
    "accounts:audit_list": "audit.view",
    "estates:house_list": "estates.view",
    "estates:house_detail": "estates.view",
    "portal:home": OWNER,
    "portal:login": PUBLIC,
    "portal:house_detail": OWNER,
    "set_language": PUBLIC,
    "schema": AUTHENTICATED,
    "api-docs": AUTHENTICATED,
    "api-token": PUBLIC,
    "api-me": AUTHENTICATED,
}
