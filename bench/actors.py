"""Who the benchmark acts as, and what they look for.

The county is the one with the most current members (its county user has the heaviest
county scope) and the branch union the biggest union inside it, so every sample row is in
all three users' scopes and the branch user's lists are the heaviest a branch officer has
in that county. The users are made inside the caller's rolled-back transaction and never
outlive the run.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Sum
from django.db.models.functions import Length

from apps.accounts.roles import Role
from apps.assistance.models import HardshipFile
from apps.members.models import Member, OrganizationMemberCount
from apps.organizations.models import Organization


@dataclass
class Sample:
    county: Organization
    union: Organization
    member_id: int | None
    id_number: str
    name: str
    union_members: int
    city: Organization | None = None
    county_members: int = 0
    # Parts of names from inside them (not their first character): two and three characters.
    fragment2: str = ""
    fragment3: str = ""
    # A hardship file of the union (the one with the longest timeline), for the file page;
    # None when the union has none (that page is then reported "not built").
    hardship_file_id: int | None = None
    hardship_id_suffix: str = ""
    # The provincial federation above the city, when the data has one (seed_demo --scale province).
    province: Organization | None = None

    def organization_for(self, actor: str) -> Organization:
        """The organization whose page each user opens: their own."""
        return {"province": self.province, "city": self.city, "county": self.county}.get(actor, self.union)


@dataclass
class Actor:
    key: str  # "city" | "county" | "branch" | "province"
    user: object


def pick_sample(county_code: str = "") -> Sample | None:
    """The county and union the benchmark works in, and one active member of that union.
    `county_code` names the county (on province data: the reference city's, which alone
    holds every app's demo data); by default the one with the most current members."""
    in_county = {"organization__county__code": county_code} if county_code else {}
    biggest_county = (
        OrganizationMemberCount.objects.filter(joined_year=OrganizationMemberCount.ALL_YEARS,
                                               organization__county__isnull=False, **in_county)
        .values("organization__county_id")
        .annotate(n=Sum(F("active") + F("retained")))
        .order_by("-n", "organization__county_id")
        .first()
    )
    if biggest_county is None:
        return None
    county = Organization.objects.get(pk=biggest_county["organization__county_id"])
    biggest_union = (
        Member.objects.filter(status="active", organization__county=county)
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organization_id")
        .first()
    )
    union = Organization.objects.get(pk=biggest_union["organization_id"])
    members = Member.objects.filter(organization=union, status="active").order_by("id")
    # The middle member rather than the first: not the row the table happens to start with.
    member = members[biggest_union["n"] // 2]
    names = members.annotate(length=Length("name"))
    three = names.filter(length__gte=3).values_list("name", flat=True).first() or member.name
    four = names.filter(length__gte=4).values_list("name", flat=True).first()
    file = (
        HardshipFile.objects.filter(organization=union).annotate(events_count=Count("events"))
        .order_by("-events_count", "id").values_list("pk", "head_id_number").first()
    )
    return Sample(county=county, union=union, member_id=member.pk, id_number=member.id_number,
                  name=member.name, union_members=biggest_union["n"],
                  city=_city_of(county),
                  province=Organization.objects.filter(kind=Organization.Kind.PROVINCE_FEDERATION).order_by("id").first(),
                  county_members=biggest_county["n"], fragment2=three[1:3],
                  fragment3=four[1:4] if four else three[-3:],
                  hardship_file_id=file[0] if file else None, hardship_id_suffix=file[1][-4:] if file else "")


def _city_of(county: Organization) -> Organization | None:
    """The city federation the county lies in (the root of the tree when no province is above)."""
    cities = Organization.objects.filter(kind=Organization.Kind.CITY_FEDERATION)
    return (next((c for c in cities.filter(pk=county.parent_id)), None)
            or cities.filter(path__in=_ancestor_paths(county.path)).first()
            or Organization.objects.filter(parent__isnull=True).order_by("id").first())


def _ancestor_paths(path: str) -> list[str]:
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes))]


def make_actors(sample: Sample, *, prefix: str = "benchmark", with_province: bool = False) -> list[Actor]:
    """One user per scope level (city, county, branch, then the province's when asked and the
    data has one); the benchmark calls it inside a transaction that is rolled back."""
    User = get_user_model()
    specs = [
        ("city", Role.CITY_STAFF, sample.city),
        ("county", Role.COUNTY_STAFF, sample.county),
        ("branch", Role.BRANCH_OFFICER, sample.union),
    ]
    if with_province and sample.province is not None:
        specs.append(("province", Role.CITY_STAFF, sample.province))
    actors = []
    for key, role, organization in specs:
        user = User.objects.create(username=f"{prefix}-{key}", role=role, organization=organization)
        actors.append(Actor(key=key, user=user))
    return actors


def make_admin_user():
    """A staff superuser for the Django admin comparison (same rolled-back transaction)."""
    return get_user_model().objects.create(username="benchmark-admin", is_staff=True, is_superuser=True)
