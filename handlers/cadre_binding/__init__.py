"""绑定 CODE: a cadre binds their WeChat to the role an invite code grants."""

from __future__ import annotations

import re

from bot.dialogue import Command, Context, Then
from handlers import my_info
from handlers.cadre_binding.texts import TEXT
from models.cadre import ROLES, Holder, holds_role, invite_by_code, redeem_invite
from models.person import link_wecom, update_profile
from town.care.four import take_open_places, tell_filled, took_over
from town.limits.invites import invite_refusal, note_wrong_invite
from town.posts import TOWN, VILLAGE, position_name, scope_of


def _bind(ctx: Context, match: re.Match) -> str | Then:
    code = match.group(1)
    refusal = invite_refusal(ctx.sql, openid=ctx.person.openid, now=ctx.now, settings=ctx.settings)
    if refusal:
        return refusal
    invite = redeem_invite(ctx.session, code=code, person_id=ctx.person.id, now=ctx.now)
    if invite is not None:
        scope = scope_of(invite.role)  # the town command and a work-area lead answer for more than their village
        bound = (TEXT.bound_town if scope == TOWN else TEXT.bound).format(
            position=position_name(ctx.session, invite.role, invite.village_id)
        )
        bound += took_over(ctx.session, _take_open_places(ctx, invite), today=ctx.today)
        if ctx.settings.wecom:
            bound += f"\n{TEXT.wecom_how}"
        if ctx.person.village_id is None and scope == VILLAGE:  # the code's village: not asked again below
            update_profile(ctx.sql, person=ctx.person, village_id=invite.village_id)
        # Households and other cadres are told whom to expect: a cadre without a name or phone gives them now.
        nameless = not (ctx.person.name and ctx.person.phone)
        return Then(f"{bound}\n{TEXT.introduce}", my_info.FLOW.name) if nameless else bound
    earlier = invite_by_code(ctx.session, code=code)
    if earlier is not None and earlier.used_by_person_id == ctx.person.id:
        return TEXT.already.format(position=position_name(ctx.session, earlier.role, earlier.village_id))
    note_wrong_invite(ctx.sql, openid=ctx.person.openid, now=ctx.now, settings=ctx.settings)
    return TEXT.invalid


def _take_open_places(ctx: Context, invite) -> list:
    """Households of the village that were waiting for someone in this role."""
    person = ctx.person
    holder = Holder(person.id, person.openid, invite.role, person.name, person.phone, invite.village_id)
    homes = take_open_places(ctx.session, ctx.sql, holder=holder, now=ctx.now)
    tell_filled(ctx.sql, homes, holder=holder, now=ctx.now)
    return homes


# WeCom userids: 1-64 of letters, digits and _.@-, starting with a letter or digit (WeCom ignores case).
WECOM_USERID = re.compile(r"[a-z0-9][a-z0-9_.@-]{0,63}")


def _link_wecom(ctx: Context, match: re.Match) -> str:
    """「企业微信 zhangsan」: a cadre's WeCom userid, tried before WeChat for every alert to them."""
    if not ctx.settings.wecom:
        return TEXT.wecom_off
    if not holds_role(ctx.sql, person_id=ctx.person.id, roles=ROLES):
        return TEXT.wecom_cadres_only
    userid = match.group(1).strip()
    if not userid:
        return TEXT.wecom_how
    if not WECOM_USERID.fullmatch(userid):
        return TEXT.wecom_bad.format(userid=userid[:70])
    link_wecom(ctx.sql, person_id=ctx.person.id, userid=userid)
    return TEXT.wecom_linked.format(userid=userid)


COMMAND = Command(name="bind_cadre", pattern=re.compile(r"^绑定\s*([a-z0-9]{4,16})$"), run=_bind)
WECOM_COMMAND = Command(
    name="link_wecom", pattern=re.compile(r"^企业微信(?:账号|号)?\s*[:：]?\s*(.*)$"), run=_link_wecom
)
