"""The custom menu (push-menu, the HELP click) and village tags, against the fake WeChat API over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.delivery.tags import TagSync, sync_tags
from bot.dialogue import texts
from bot.dialogue.flow import Flow
from bot.wechat import make_api
from handlers.menu import LAYOUT, build_menu
from handlers.registry import FLOWS
from models.db import make_engine, transaction
from models.person import Person
from models.town import Village, list_villages
from tests.support.fakewechat import FakeWeChat
from tests.support.live import run_cli_here

TAG = "/cgi-bin/tags/members/batchtagging"
UNTAG = "/cgi-bin/tags/members/batchuntagging"
CREATE = "/cgi-bin/tags/create"


def flow_with_key(key: str) -> Flow:
    return Flow(name=key.lower(), title=key, steps=(), finish=lambda ctx: "", entry_keys=(key,))


@pytest.fixture
def fake():
    running = FakeWeChat().start()
    yield running
    running.stop()


# -- the menu -------------------------------------------------------------------------------------------------
def test_build_menu_keeps_only_the_keys_of_existing_flows_and_help():
    keys = {sub["key"] for button in build_menu(FLOWS)["button"] for sub in button["sub_button"]}
    assert keys == {key for flow in FLOWS for key in flow.entry_keys} | {"HELP"}
    assert [button["name"] for button in build_menu(())["button"]] == ["我的"]  # empty groups are dropped
    menu = build_menu([flow_with_key("RETURN"), flow_with_key("NOT_IN_LAYOUT")])
    assert menu == {
        "button": [
            {"name": "报备", "sub_button": [{"type": "click", "name": "返乡报备", "key": "RETURN"}]},
            {"name": "我的", "sub_button": [{"type": "click", "name": "帮助", "key": "HELP"}]},
        ]
    }


@pytest.mark.parametrize(
    ("layout", "complaint"),
    [
        ((("返乡与报备", (("帮助", "HELP"),)),), "返乡与报备"),  # 5 Chinese characters on top
        ((("我的", (("我的个人信息登记", "HELP"),)),), "我的个人信息登记"),  # 8 below
        ((("我的", tuple((f"帮助{i}", "HELP") for i in range(6))),), "1 to 5 sub-buttons"),
        (tuple((f"组{i}", (("帮助", "HELP"),)) for i in range(4)), "1 to 3 top-level"),
        ((("我的", (("帮助", ""),)),), "key"),
    ],
)
def test_build_menu_refuses_a_layout_beyond_wechats_limits(layout, complaint):
    with pytest.raises(ValueError, match=complaint):
        build_menu(FLOWS, layout)


def test_the_declared_layout_fits_even_when_every_flow_exists():
    every_key = [flow_with_key(key) for _, subs in LAYOUT for _, key in subs]
    assert sum(len(button["sub_button"]) for button in build_menu(every_key)["button"]) == 9


def account_env(fake, database_url) -> dict:
    return {
        "WECHAT_APP_ID": "wxfake",
        "WECHAT_APP_SECRET": "s",
        "WECHAT_TOKEN": "t",
        "WECHAT_API_BASE_URL": fake.url,
        "DATABASE_URL": database_url,
    }


def test_push_menu_creates_the_built_menu_on_wechat(server, fake, database_url):
    result = run_cli_here("push-menu", **account_env(fake, database_url))
    assert result.returncode == 0, result.stderr
    assert fake.menu == build_menu(FLOWS)["button"]
    assert "我的信息" in result.stdout and "帮助" in result.stdout


def test_with_public_url_the_menu_links_cadres_to_the_dashboard(server, fake, database_url):
    env = {**account_env(fake, database_url), "PUBLIC_URL": "https://xiangan.example.org/"}
    result = run_cli_here("push-menu", **env)
    assert result.returncode == 0, result.stderr
    mine = next(button for button in fake.menu if button["name"] == "我的")
    assert mine["sub_button"][-1] == {
        "type": "view",
        "name": "干部后台",
        "url": "https://xiangan.example.org/admin/wechat",
    }
    assert "干部后台  (link https://xiangan.example.org/admin/wechat)" in result.stdout
    assert fake.menu == build_menu(FLOWS, admin_url="https://xiangan.example.org/admin/wechat")["button"]
    with pytest.raises(ValueError, match="http"):
        build_menu(FLOWS, admin_url="xiangan.example.org/admin/wechat")


def test_push_menu_reports_wechats_refusal_and_fails(server, fake, database_url):
    fake.fail("/cgi-bin/menu/create", 40018, times=1)
    result = run_cli_here("push-menu", **account_env(fake, database_url))
    assert result.returncode != 0
    assert "40018 invalid button name size" in result.stdout + result.stderr
    assert fake.menu is None


def test_push_menu_in_sandbox_mode_prints_the_menu_and_sends_nothing(fake, database_url):
    result = run_cli_here("push-menu", **{**account_env(fake, database_url), "WECHAT_APP_ID": ""})
    assert result.returncode == 0, result.stderr
    assert "NOT sent" in result.stdout and "我的信息" in result.stdout
    assert fake.calls == []


def test_sync_tags_in_sandbox_mode_says_there_is_nothing_to_sync(fake, database_url):
    result = run_cli_here("sync-tags", **{**account_env(fake, database_url), "WECHAT_APP_ID": ""})
    assert result.returncode == 0 and "nothing to sync" in result.stdout
    assert fake.calls == []


def test_the_help_click_answers_the_help_text(server):
    reply = server.client("menu-clicker").event("CLICK", "HELP")
    assert reply == server.state.dialogue.help_text()
    assert reply.startswith(texts.HELP_HEADER)


# -- village tags ---------------------------------------------------------------------------------------------
@pytest.fixture
def db(server, database_url):
    """The suite's database with no village tag ids (each test has a fresh fake WeChat)."""
    engine = make_engine(database_url)
    forget = update(Village).values(wechat_tag_id=None)
    with transaction(engine) as session:
        session.execute(forget)
    yield engine
    with transaction(engine) as session:
        session.execute(forget)
    engine.dispose()


@pytest.fixture
def api(make_settings, fake, db):
    settings = make_settings(
        wechat_app_id="wxfake",
        wechat_app_secret="s",
        wechat_token="t",
        wechat_api_base_url=fake.url,
        wechat_max_attempts=2,
        wechat_backoff_cap_s=0.01,
    )
    return make_api(settings, db)


@pytest.fixture
def villages(db) -> list[Village]:
    with transaction(db) as session:
        return list_villages(session)


def who(village_id: int, i: int) -> str:
    """The openid add_people gives the i-th person of a village."""
    return f"o-{village_id}-{i}"


def add_people(db, counts: dict[int, int], *, subscribed: bool = True) -> dict[str, int]:
    """People by openid -> village id."""
    people = {who(village_id, i): village_id for village_id, n in counts.items() for i in range(n)}
    with transaction(db) as session:
        session.add_all(Person(openid=o, village_id=v, subscribed=subscribed) for o, v in people.items())
    return people


def tag_ids(db) -> dict[int, int]:
    with transaction(db) as session:
        return dict(session.execute(select(Village.id, Village.wechat_tag_id)).all())


def move(db, openids: list[str], village_id: int | None) -> None:
    with transaction(db) as session:
        session.execute(update(Person).where(Person.openid.in_(openids)).values(village_id=village_id))


def tagged_village(db, openid: str) -> int | None:
    with transaction(db) as session:
        return session.execute(select(Person.tagged_village_id).where(Person.openid == openid)).scalar_one()


def batch_sizes(fake, path: str) -> list[int]:
    return [len(call.json["openid_list"]) for call in fake.calls_to(path)]


def test_sync_tags_creates_each_village_tag_once_and_tags_in_batches_of_50(db, api, fake, villages):
    a, b = villages[0].id, villages[1].id
    people = add_people(db, {a: 70, b: 50})

    result = sync_tags(db, api)

    assert result == TagSync(tags_created=len(villages), tagged=120)
    created = [call.json["tag"]["name"] for call in fake.calls_to(CREATE)]
    assert sorted(created) == sorted(v.name for v in villages)
    assert sorted(batch_sizes(fake, TAG)) == [20, 50, 50]
    ids = tag_ids(db)
    assert all(fake.tags_of(openid) == {ids[village]} for openid, village in people.items())
    assert all(tagged_village(db, openid) == village for openid, village in people.items())

    calls = len(fake.calls)
    assert sync_tags(db, api) == TagSync()
    assert len(fake.calls) == calls


def test_a_person_who_moves_is_untagged_from_the_old_village_and_tagged_with_the_new(db, api, fake, villages):
    a, b = villages[0].id, villages[1].id
    add_people(db, {a: 3, b: 1})
    add_people(db, {villages[2].id: 1}, subscribed=False)
    sync_tags(db, api)
    ids = tag_ids(db)
    assert fake.tags_of(who(villages[2].id, 0)) == set()  # unsubscribed: skipped
    move(db, [who(a, 0), who(a, 1)], b)
    move(db, [who(a, 2)], None)
    fake.calls.clear()

    result = sync_tags(db, api)

    assert result == TagSync(tagged=2, untagged=3)
    assert [(c.json["tagid"], sorted(c.json["openid_list"])) for c in fake.calls_to(UNTAG)] == [
        (ids[a], [who(a, 0), who(a, 1), who(a, 2)])
    ]
    assert fake.tags_of(who(a, 0)) == fake.tags_of(who(a, 1)) == {ids[b]}
    assert fake.tags_of(who(a, 2)) == set() and tagged_village(db, who(a, 2)) is None
    assert tagged_village(db, who(a, 0)) == b


def test_a_refused_batch_is_left_for_the_next_run(db, api, fake, villages):
    a = villages[0].id
    people = add_people(db, {a: 60})
    fake.fail(TAG, 45059, times=1)

    first = sync_tags(db, api)

    assert (first.tagged, first.failed_calls) == (10, 1)
    assert sum(tagged_village(db, openid) == a for openid in people) == 10
    fake.calls.clear()
    assert sync_tags(db, api) == TagSync(tagged=50)
    assert batch_sizes(fake, TAG) == [50] and fake.calls_to(CREATE) == []
    assert all(fake.tags_of(openid) == {tag_ids(db)[a]} for openid in people)
    assert sync_tags(db, api) == TagSync()


def test_a_person_is_not_tagged_with_the_new_village_while_still_carrying_the_old(db, api, fake, villages):
    a, b = villages[0].id, villages[1].id
    add_people(db, {a: 1})
    sync_tags(db, api)
    ids = tag_ids(db)
    move(db, [who(a, 0)], b)
    fake.fail(UNTAG, 40003, times=1)

    assert sync_tags(db, api) == TagSync(failed_calls=1)
    assert fake.tags_of(who(a, 0)) == {ids[a]} and tagged_village(db, who(a, 0)) == a
    assert sync_tags(db, api) == TagSync(tagged=1, untagged=1)
    assert fake.tags_of(who(a, 0)) == {ids[b]}


def test_a_tag_name_wechat_already_has_is_looked_up(db, api, fake, villages):
    existing = fake.tag_create({"tag": {"name": villages[0].name}})["tag"]["id"]

    result = sync_tags(db, api)

    assert result.tags_created == len(villages) - 1 and result.failed_calls == 0
    assert tag_ids(db)[villages[0].id] == existing
    assert len(fake.calls_to("/cgi-bin/tags/get")) == 1


def test_a_tag_deleted_on_wechat_is_created_again_and_its_people_retagged(db, api, fake, villages):
    a, b = villages[0].id, villages[1].id
    add_people(db, {a: 2})
    sync_tags(db, api)
    fake.tag_names.pop(tag_ids(db)[a])  # someone deleted the tag in the WeChat console
    move(db, [who(a, 0)], b)

    assert sync_tags(db, api).failed_calls == 1  # the untag call learns the tag is gone
    result = sync_tags(db, api)

    assert (result.tags_created, result.failed_calls) == (1, 0)
    new_a = tag_ids(db)[a]
    assert new_a in fake.tag_names
    assert tag_ids(db)[b] in fake.tags_of(who(a, 0))
    assert new_a in fake.tags_of(who(a, 1)) and tagged_village(db, who(a, 1)) == a


def test_a_tag_deleted_before_new_people_are_tagged_is_made_again_in_the_same_run(db, api, fake, villages):
    a = villages[0].id
    sync_tags(db, api)
    old = tag_ids(db)[a]
    fake.tag_names.pop(old)  # deleted in the console; the next newcomer's batch is the first to learn it
    add_people(db, {a: 2})

    result = sync_tags(db, api)

    new_a = tag_ids(db)[a]
    assert (result.tags_created, result.failed_calls, result.tagged) == (1, 1, 2)
    assert new_a != old and new_a in fake.tag_names
    assert all(new_a in fake.tags_of(who(a, n)) for n in (0, 1))


def test_sync_tags_command_prints_the_counts(db, fake, villages, database_url):
    add_people(db, {villages[0].id: 3})
    result = run_cli_here("sync-tags", **account_env(fake, database_url))
    assert result.returncode == 0, result.stderr
    assert f"village tags created: {len(villages)}" in result.stdout
    assert "people tagged with their village: 3" in result.stdout
    assert fake.tags_of(who(villages[0].id, 0)) == {tag_ids(db)[villages[0].id]}
