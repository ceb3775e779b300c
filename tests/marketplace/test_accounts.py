"""Account verbs: sign-up rules, sign-in, throttling, roles, password storage."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from tortoise import timezone

from marketplace.accounts import Role, passwords, ratelimit
from marketplace.accounts import services as accounts
from marketplace.accounts.errors import BAD_CREDENTIALS, BadCredentials
from marketplace.accounts.models import Account, LoginAttempt
from marketplace.errors import RateLimited, ValidationFailed

PASSWORD = "correct horse battery"
LIMITS = ratelimit.LoginLimits(max_failures_per_account=5, max_failures_per_ip=20, window_s=900)


def field_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return exc.value.errors[0].field


async def test_sign_up_normalises_email_and_phone(db: str) -> None:
    by_email = await accounts.sign_up(" Mei@Example.COM ", PASSWORD, "  小美  ", "zh-CN")
    by_phone = await accounts.sign_up("138-0013-8000", PASSWORD, "阿强", "en")
    assert (by_email.email, by_email.phone, by_email.display_name) == (
        "mei@example.com",
        None,
        "小美",
    )
    assert (by_phone.email, by_phone.phone) == (None, "+8613800138000")
    assert by_email.roles == frozenset({Role.RESIDENT})
    assert by_email.is_active and by_email.session_version == 0


@pytest.mark.parametrize(
    ("identifier", "password", "name", "field"),
    [
        ("", PASSWORD, "n", "identifier"),
        ("mei@", PASSWORD, "n", "identifier"),
        ("mei@example", PASSWORD, "n", "identifier"),
        ("12345", PASSWORD, "n", "identifier"),
        ("2380013800", PASSWORD, "n", "identifier"),
        ("mei@example.com", "short", "n", "password"),
        ("mei@example.com", "aaaaaaaaaaaa", "n", "password"),
        ("mei@example.com", PASSWORD, "   ", "display_name"),
        ("mei@example.com", PASSWORD, "x" * 65, "display_name"),
    ],
)
async def test_sign_up_refuses_bad_input_naming_the_field(
    db: str, identifier: str, password: str, name: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await accounts.sign_up(identifier, password, name, "zh-CN")
    assert field_of(exc) == field
    assert await Account.all().count() == 0


async def test_duplicate_sign_up_is_refused_whatever_the_spelling(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    await accounts.sign_up("+86 139 0013 9000", PASSWORD, "阿强", "zh-CN")
    for again in ("MEI@example.com", "13900139000", "0086-139-0013-9000"):
        with pytest.raises(ValidationFailed) as exc:
            await accounts.sign_up(again, PASSWORD, "又一个", "zh-CN")
        assert exc.value.errors[0].as_dict() == {
            "field": "identifier",
            "reason": "already registered",
        }


async def test_passwords_are_argon2id_hashes_never_plaintext(db: str) -> None:
    account = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    stored = await Account.get(id=account.id)
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert passwords.verify_password(stored.password_hash, PASSWORD)
    assert not passwords.verify_password(stored.password_hash, PASSWORD + "!")
    assert not passwords.verify_password("not a hash", PASSWORD)


async def test_authenticate_returns_the_account_and_notes_the_login(db: str) -> None:
    created = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    account = await accounts.authenticate("MEI@example.com", PASSWORD, "10.0.0.1", limits=LIMITS)
    assert account.id == created.id
    assert (await Account.get(id=created.id)).last_login_at is not None
    attempt = await LoginAttempt.get(identifier="mei@example.com")
    assert attempt.succeeded and attempt.ip == "10.0.0.1"


async def test_wrong_password_unknown_and_disabled_accounts_fail_alike(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    disabled = await accounts.sign_up("gone@example.com", PASSWORD, "走了", "zh-CN")
    await Account.filter(id=disabled.id).update(is_active=False)
    messages = set()
    for identifier, password in (
        ("mei@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
        ("gone@example.com", PASSWORD),
        ("no identifier at all", PASSWORD),
    ):
        with pytest.raises(BadCredentials) as exc:
            await accounts.authenticate(identifier, password, "10.0.0.1", limits=LIMITS)
        messages.add((exc.value.status, exc.value.code, exc.value.message))
    assert messages == {(401, "authentication_failed", BAD_CREDENTIALS)}


async def test_unknown_accounts_cost_a_password_verification(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    roomy = ratelimit.LoginLimits(100, 100, 900)

    async def timed(identifier: str) -> float:
        start = time.perf_counter()
        with pytest.raises(BadCredentials):
            await accounts.authenticate(identifier, "wrong password", "10.0.0.1", limits=roomy)
        return time.perf_counter() - start

    await timed("warm-up@example.com")
    known = statistics.median([await timed("mei@example.com") for _ in range(3)])
    unknown = statistics.median([await timed(f"n{i}@example.com") for i in range(3)])
    # Both are dominated by one argon2 verification; without the dummy hash the unknown
    # account would answer many times faster.
    assert unknown > known * 0.5


async def test_the_account_ceiling_refuses_even_the_right_password(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    for n in range(5):  # spread over addresses, so only the per-account ceiling counts them
        with pytest.raises(BadCredentials):
            await accounts.authenticate("mei@example.com", "wrong", f"10.0.1.{n}", limits=LIMITS)
    with pytest.raises(RateLimited) as exc:
        await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.2", limits=LIMITS)
    assert 890 <= exc.value.retry_after_s <= 900
    # Refused attempts are not stored, so hammering does not extend the lock-out.
    assert await LoginAttempt.filter(identifier="mei@example.com").count() == 5


async def test_failures_older_than_the_window_do_not_count(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    long_ago = timezone.now() - timedelta(seconds=LIMITS.window_s + 1)
    for _ in range(5):
        await LoginAttempt.create(
            identifier="mei@example.com", ip="10.0.0.1", succeeded=False, created_at=long_ago
        )
    account = await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.1", limits=LIMITS)
    assert account.email == "mei@example.com"
    assert await ratelimit.prune_attempts(timezone.now() - timedelta(seconds=900)) == 5


async def test_retry_after_counts_down_from_the_oldest_failure(db: str) -> None:
    ten_minutes_ago = timezone.now() - timedelta(seconds=600)
    for _ in range(5):
        await LoginAttempt.create(
            identifier="mei@example.com",
            ip="10.0.0.1",
            succeeded=False,
            created_at=ten_minutes_ago,
        )
    with pytest.raises(RateLimited) as exc:
        await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.9", limits=LIMITS)
    assert 290 <= exc.value.retry_after_s <= 300


async def test_a_success_restarts_the_account_count_but_not_the_address_count(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    limits = ratelimit.LoginLimits(max_failures_per_account=3, max_failures_per_ip=5, window_s=900)
    for _ in range(2):
        with pytest.raises(BadCredentials):
            await accounts.authenticate("mei@example.com", "wrong", "10.0.0.1", limits=limits)
    await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.1", limits=limits)
    for _ in range(3):  # three more would have been five for the account without the success
        with pytest.raises(BadCredentials):
            await accounts.authenticate("mei@example.com", "wrong", "10.0.0.1", limits=limits)
    with pytest.raises(RateLimited):
        await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.1", limits=limits)
    # The address has five failures now and is refused for any account.
    with pytest.raises(RateLimited):
        await accounts.authenticate("other@example.com", PASSWORD, "10.0.0.1", limits=limits)


async def test_address_limit_spans_accounts(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    limits = ratelimit.LoginLimits(max_failures_per_account=5, max_failures_per_ip=3, window_s=900)
    for n in range(3):
        with pytest.raises(BadCredentials):
            await accounts.authenticate(f"u{n}@example.com", "wrong", "10.0.0.1", limits=limits)
    with pytest.raises(RateLimited):
        await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.1", limits=limits)
    assert await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.2", limits=limits)


async def test_weak_hashes_are_upgraded_at_sign_in(db: str) -> None:
    account = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    await Account.filter(id=account.id).update(password_hash=weak)
    await accounts.authenticate("mei@example.com", PASSWORD, "10.0.0.1", limits=LIMITS)
    upgraded = (await Account.get(id=account.id)).password_hash
    assert upgraded != weak and not passwords.needs_rehash(upgraded)
    assert passwords.verify_password(upgraded, PASSWORD)


async def test_end_sessions_moves_the_session_version(db: str) -> None:
    account = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    assert await accounts.account_for_session(account.id, 0) is not None
    await accounts.end_sessions(account)
    assert await accounts.account_for_session(account.id, 0) is None
    assert await accounts.account_for_session(account.id, 1) is not None


async def test_roles_are_granted_revoked_and_counted(db: str) -> None:
    account = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    await accounts.create_operator("OPS@example.com", PASSWORD, "运营")
    await accounts.grant_role(account, Role.MERCHANT_STAFF)
    reloaded = await Account.get(id=account.id)
    assert reloaded.roles == {Role.RESIDENT, Role.MERCHANT_STAFF}
    assert reloaded.has_role(Role.OPERATOR, Role.MERCHANT_STAFF)
    assert not reloaded.has_role(Role.OPERATOR)
    assert await accounts.count_accounts_by_role() == {
        Role.RESIDENT: 1,
        Role.MERCHANT_STAFF: 1,
        Role.OPERATOR: 1,
    }
    await accounts.revoke_role(reloaded, Role.MERCHANT_STAFF)
    assert (await Account.get(id=account.id)).roles == {Role.RESIDENT}


async def test_create_operator_needs_an_email_and_a_real_password(db: str) -> None:
    operator = await accounts.create_operator("Ops@Example.com", PASSWORD, "运营小王")
    assert operator.email == "ops@example.com"
    assert operator.roles == {Role.OPERATOR}
    with pytest.raises(ValidationFailed) as exc:
        await accounts.create_operator("13800138000", PASSWORD, "x")
    assert field_of(exc) == "email"
    with pytest.raises(ValidationFailed) as exc:
        await accounts.create_operator("boss@example.com", "1234", "x")
    assert field_of(exc) == "password"


async def test_set_locale_checks_the_tag(db: str) -> None:
    account = await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    await accounts.set_locale(account, "en")
    assert (await Account.get(id=account.id)).locale == "en"
    with pytest.raises(ValidationFailed):
        await accounts.set_locale(account, "<script>")
