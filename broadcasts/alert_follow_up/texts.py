"""What a villager hears when the cadre they were told about has not received their message."""


class TEXT:
    call_them = "{who}暂时收不到消息，请直接打电话：{phone}"
    caller_will = "{who}暂时收不到消息，{caller}会打电话告诉他（她）。您着急的话请打{caller}的电话：{phone}"
    caller_will_no_phone = "{who}暂时收不到消息，{caller}会打电话告诉他（她）。"
    town_will = "{who}暂时收不到消息，镇指挥部会安排人打电话告诉他（她）。"
