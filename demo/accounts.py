"""Demo users, one per role plus the administrator: `seed_demo` step (after organizations).

All share one password, printed with the table, which passes Django's password
validators. update_or_create by username, so a second run changes nothing but
resets the demo password and role.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.organizations.models import Organization

DEMO_PASSWORD = "Demo-2026!lin"

# username, display name, role, where: "city", "county" (兰山区) or "branch" (a grassroots union in 兰山区)
DEMO_USERS = [
    ("city_staff", "张伟", Role.CITY_STAFF, "city"),
    ("county_staff", "李娜", Role.COUNTY_STAFF, "county"),
    ("branch_officer", "王强", Role.BRANCH_OFFICER, "branch"),
    ("leader", "刘洋", Role.LEADER, "city"),
]
DEMO_COUNTY = "371302"  # 兰山区


def _organizations(ctx) -> dict[str, Organization]:
    facts = ctx.facts["organizations"]
    # The first company union of a street in 兰山区: a branch officer's typical place.
    branch = (
        Organization.objects.filter(
            code__in=facts["unions_by_county"][DEMO_COUNTY],
            kind=Organization.Kind.GRASSROOTS,
            parent__kind=Organization.Kind.TOWNSHIP_FEDERATION,
        )
        .order_by("code")
        .first()
    )
    by_code = Organization.objects.in_bulk([facts["city"], DEMO_COUNTY], field_name="code")
    return {"city": by_code[facts["city"]], "county": by_code[DEMO_COUNTY], "branch": branch}


@transaction.atomic
def seed(ctx) -> None:
    orgs = _organizations(ctx)
    rows = []
    for username, display_name, role, where in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": display_name, "role": role, "organization": orgs[where], "is_active": True,
            },
        )
        rows.append((user, role.label, orgs[where].name))
    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={"first_name": "系统管理员", "is_superuser": True, "is_staff": True, "is_active": True,
                  "role": "", "organization": None},
    )
    rows.append((admin, "superuser", "—"))
    # One hash for all: the password is shared and printed anyway, and hashing is the slow part.
    encoded = make_password(DEMO_PASSWORD)
    for user, *_ in rows:
        validate_password(DEMO_PASSWORD, user)
    User.objects.filter(pk__in=[user.pk for user, *_ in rows]).update(password=encoded)
    ctx.facts["users"] = {user.username: user.pk for user, *_ in rows}

    ctx.say("  demo users (log in at /accounts/login/):")
    ctx.say(f"    {'username':<16} {'role':<26} organization")
    for user, role_label, org_name in rows:
        ctx.say(f"    {user.username:<16} {str(role_label):<26} {org_name}")
    ctx.say(f"    password for all: {DEMO_PASSWORD}")
