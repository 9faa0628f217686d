"""What the retention job tells the operator about the policy file."""


class TEXT:
    bad_days = "retention_days（消息记录保留天数）要写不小于{min}的整数，现在是：{value}"
