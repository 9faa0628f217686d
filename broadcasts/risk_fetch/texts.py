"""What a fetch of the risk list tells the operator."""


class TEXT:
    failed = "获取失败：{error}"
    not_modified = "名单没有更新（304 Not Modified），未导入。"
    unchanged = "名单内容没有变化，未导入。"
