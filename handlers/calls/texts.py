"""What a cadre reads about the phone calls they are asked to make."""


class TEXT:
    help = "发「已打电话 N」：打完电话任务第N号（收不到消息的人，由您打电话告诉）"
    need_number = "请写上电话任务的号码，比如：已打电话 12。发「待办」能看到号码。"
    done = "好的，第{number}号电话任务办完了，谢谢您！"
    already = "第{number}号电话任务已经办完了，不用再回。"
    moved = "第{number}号电话任务已经转给上一级去打了，不用再回。"
    done_moved = "好的，第{number}号电话您打过了，谢谢您！转给上一级的第{higher}号也一起办完了。"
    done_below = "第{number}号电话任务，{who}已经打过了，您不用再打。"
    not_found = "没有第{number}号电话任务，请看看号码。发「待办」能看到您的电话任务。"
    not_yours = "第{number}号电话任务是交给{who}打的。您要是已经打过了，请告诉他（她）一声。"
    command = "镇指挥部"
    cadres_only = "抱歉，这个是给负责的干部用的。"
    todo_line = "第{number}号电话{top}：请打给{name}（{phone}），告诉他（她）：{text}\n  → 打完回「已打电话 {number}」"
    todo_top = "（没人接手，请镇指挥部安排）"
    no_phone = "没有登记电话"
    someone = "这位同志"
    text_limit = 60
    ellipsis = "…"
