"""What a cadre reads in the chat about the dashboard (后台)."""


class TEXT:
    help = "发「后台密码」：收到一个链接，设置在电脑上登录后台用的用户名和密码"
    link = (
        "请在 {minutes} 分钟内打开这个链接，设置登录后台的用户名和密码（只能用一次）：\n{url}\n"
        "设好以后，在电脑上打开 {signin} 登录。链接请不要转给别人。"
    )
    cadres_only = "抱歉，后台只给防控干部用。您如果是干部，请先发「绑定 邀请码」。"
