"""What a person reads when they hit a limit, and what the town command reads of a flood of guessed codes."""


class TEXT:
    # Past MESSAGES_PER_MINUTE: said once a minute, whatever the flood.
    too_fast = "您发得太快了，歇一会儿再发。急事请直接打电话给{who}：{phone}。"
    too_fast_no_phone = "您发得太快了，歇一会儿再发。急事请直接打电话给村干部。"
    # Past INVITE_WRONG_PER_HOUR for one person: even the right code waits.
    invite_paused = (
        "绑定码输错的次数太多了。为了安全，{until}以前不能绑定，输对了也不行。请{until}以后再试，或找镇里要新的绑定码。"
    )
    # Past INVITE_WRONG_TOWN_PER_HOUR for the whole town.
    invite_paused_town = (
        "有人在乱试绑定码，为了安全，绑定暂停了，最多一小时后恢复。请过一小时再试，急事请打电话给镇里。"
    )
    invite_flood = (
        "有人在大量试绑定码：最近一小时输错了{wrong}次，来自{people}个微信号。为了安全，全镇的「绑定」已暂停，"
        "最多一小时后自动恢复，这期间要绑定的干部请稍后再试。"
    )
