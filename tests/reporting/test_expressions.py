from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.reporting.expressions import ExpressionError, parse
from tuyengiao.reporting.models import Indicator


@pytest.mark.smoke
def test_it_follows_precedence_and_parentheses() -> None:
    expr = parse("(#{A} + #{B}) * 2 - #{C} / 4")
    assert expr.codes == {"A", "B", "C"}
    assert expr.evaluate({"A": Decimal(1), "B": Decimal(2), "C": Decimal(8)}) == Decimal(4)
    assert parse("-#{A} + 3 × 2 ÷ 4").evaluate({"A": Decimal(1)}) == Decimal("0.5")


@pytest.mark.smoke
def test_division_by_zero_and_missing_values_give_no_value() -> None:
    assert parse("#{A} / #{B}").evaluate({"A": Decimal(1), "B": Decimal(0)}) is None
    assert parse("#{A} + 1").evaluate({}) is None


@pytest.mark.smoke
@pytest.mark.parametrize(
    "text, fragment",
    [
        ("#{A} +", "kết thúc đột ngột"),
        ("(#{A} + 1", "đóng ngoặc"),
        ("#{A} ** 2", "đặt sai chỗ"),
        ("#{A} 2", "phần thừa"),
        ("__import__('os')", "không hợp lệ"),
        ("", "để trống"),
    ],
)
def test_bad_syntax_is_refused_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in info.value.message


@pytest.mark.django_db
def test_an_indicator_naming_an_unknown_code_is_refused_at_save(catalogue) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        Indicator.objects.create(
            code="TL_SAI", name="Sai", numerator="#{KHONG_CO}", denominator="#{HT_LUOT_DV}"
        )
    assert "KHONG_CO" in str(info.value)
    assert not Indicator.objects.filter(code="TL_SAI").exists()
    # derived elements from providers are known codes
    Indicator.objects.create(
        code="TL_DUNG", name="Đúng", numerator="#{HT_LUOT_DV}", denominator="#{DV_SO_LUONG}"
    )
