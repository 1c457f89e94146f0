"""Money is written as Chinese accounts write it: 千分位 (thousands grouped by commas), two decimals.

财政部《会计基础工作规范》(1996) on filling in vouchers: amounts in yuan are written to 角分, i.e.
two decimals; printed financial statements group the yuan in thousands (千分位), which is how a
fund's 2,000,000 yuan is read at a glance instead of counted zero by zero.
"""

from decimal import Decimal

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("2000000"), "2,000,000.00"),
    (Decimal("1234.5"), "1,234.50"),
    (Decimal("0.005"), "0.01"),
    (0, "0.00"),
    ("980.1", "980.10"),
    (None, ""),
    ("", ""),
])
def test_amounts_grouped_in_thousands_with_two_decimals(value, shown):
    assert Template("{% load portal %}{{ v|yuan }}").render(Context({"v": value})) == shown


def test_a_value_that_is_not_a_number_is_shown_as_it_is():
    assert Template("{% load portal %}{{ v|yuan }}").render(Context({"v": "—"})) == "—"
