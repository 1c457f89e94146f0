import datetime

import factory

from apps.core.validators import build_resident_id
from apps.members import counts
from apps.members.models import Member, Transfer


def id_number_for(n: int, *, region: str = "371302") -> str:
    """A valid, distinct resident ID for every n (birth day from n // 1000, sequence n % 1000)."""
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000)
    return build_resident_id(region, born, n % 1000)


class MemberFactory(factory.django.DjangoModelFactory):
    """A current member; sex and birth date are derived from the ID as the services do, and
    the kept member figures count it, as every writer of the roll keeps them."""

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"会员{n}")
    id_number = factory.Sequence(lambda n: id_number_for(n + 1))
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(
        lambda o: datetime.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    phone = "13800001234"
    organization = None  # pass one: organization=tree.union_a1a
    joined_on = datetime.date(2020, 5, 1)
    status = Member.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        member = super()._create(model_class, *args, **kwargs)
        counts.record_change(added=[counts.key_of(member)])
        return member


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    member = factory.SubFactory(MemberFactory)
    from_organization = factory.LazyAttribute(lambda o: o.member.organization)
    initiated_by_side = Transfer.Side.SENDING
