"""Every Chinese string the bot says to a user lives here (handlers format, never compose prose)."""

from reports import ledger as _ledger

# general
INTERNAL_ERROR = "抱歉，处理您的消息时出错了。您发的内容已经保存，不会丢失；请稍后再试，或联系督查室。"
CANCELLED = "已取消。需要时发送“帮助”查看可用指令。"
NOTHING_TO_CANCEL = "当前没有进行中的操作。"
UNKNOWN_COMMAND = "没有看懂这条消息。发送“帮助”查看可以做什么。"
REFUSED = "抱歉，您没有权限执行“{command}”（需要{role}权限）。如需开通，请联系督查室。"
ROLE_NAMES = {"admin": "管理员", "coordinator": "督查室", "contact": "单位联络员", "viewer": "查阅"}
EMPTY_MESSAGE = "收到一条空消息。请直接用文字回复，例如：新增停车位20个。"
EMOJI_ONLY = "只收到了表情😊。请用文字描述本月进展，例如：累计建成充电桩400个。"
TOO_LONG = "消息太长了（{length}字），请控制在{limit}字以内，分几条发送。原文已保存。"
UNSUPPORTED = "暂时只能识别文字消息（图片、语音、表情包无法识别）。请用文字回复，原消息已保存。"
FILE_NOT_ALLOWED = "只有督查室可以上传台账文件。"
EVENT_GREETING = "您好，我是进展情况台账机器人。发送“帮助”查看可用指令。"
GROUP_NO_REPORTS = "为保护填报内容，请在与我的私聊中填报，群里只提供查询和汇总。"

# help
HELP_UNBOUND = (
    "您好！我是进展情况台账机器人，每月帮各责任单位填报工作进展。\n"
    "您还没有绑定单位。请向督查室索取绑定码，然后发送：\n"
    "  绑定 绑定码\n"
    "例如：绑定 K7Q2M9"
)
HELP_CONTACT = (
    "单位联络员可用指令：\n"
    "  填报 —— 逐项填报本月进展（/report）\n"
    "  修改 N —— 修改第N项的填报（/edit N）\n"
    "  我的 —— 查看本单位本月已填报的内容（/mine）\n"
    "  取消 —— 退出当前操作\n"
    "  解绑 —— 解除与单位的绑定\n"
    "也可以一条消息写：进展：…… 问题：…… 计划：……"
)
HELP_COORDINATOR = (
    "督查室可用指令：\n"
    "  台账 —— 列出全部类别和项目（/items）\n"
    "  概况 / 哪些项目滞后 / 谁还没报 / 卫健局怎么样 / 充电桩进展 / 充电桩历史\n"
    "  开启报送 {code} 截止 {deadline} —— 开启报送期（/open）\n"
    "  关闭报送 {code}（/close）   截止 {code} {moved} —— 改截止时间\n"
    "  邀请 区卫健局 —— 生成单位绑定码（/invite）\n"
    "  通过 N / 退回 N 原因 —— 审核第N项（/accept /return）\n"
    "  导出 word / excel / 图表 —— 生成台账文件（/export）\n"
    "  绑定群 —— 把当前群设为汇总群（/bindgroup）"
)
HELP_VIEWER = (
    "可以这样问我：\n"
    "  概况 —— 本期总体情况\n"
    "  哪些项目滞后 —— 落后于序时进度的项目\n"
    "  谁还没报 —— 未报送的单位\n"
    "  卫健局怎么样 —— 某单位的项目\n"
    "  充电桩进展 / 充电桩历史 —— 某项目的进展和历次填报"
)

# binding
BIND_USAGE = "请发送“绑定 绑定码”，例如：绑定 K7Q2M9。绑定码向督查室索取。"
BIND_IN_GROUP = "请在与我的私聊中发送绑定码，不要发在群里。"
BOUND_CONTACT = (
    "绑定成功！您现在是【{unit}】的联络员，负责以下{count}个项目：\n{items}\n\n发送“填报”开始填报本月进展。"
)
BOUND_ROLE = "绑定成功！您现在的身份是：{role}。发送“帮助”查看可用指令。"
ALREADY_BOUND = "您已经是【{unit}】的联络员了。"
UNBOUND = "已解除与【{unit}】的绑定。"
NOT_BOUND = "您还没有绑定任何单位。"
CHOOSE_UNIT = "您负责多个单位，请选择这次为哪个单位操作："
INVITE_CREATED = "【{unit}】的绑定码（{hours}小时内有效，只能用一次）：\n{code}\n请转给该单位联络员，让其私聊我发送：绑定 {code}"
INVITE_ROLE_CREATED = "{role}绑定码（{hours}小时内有效，只能用一次）：\n{code}"
UNKNOWN_UNIT = "没有找到单位“{name}”。现有单位：{units}"

# ledger listing
NO_LEDGER = "还没有导入台账。请督查室先导入（命令行：ledgerbot import 台账文件）。"
LEDGER_HEAD = "{title}\n共{categories}类、{items}项："
LEDGER_CATEGORY = "{seq}. {name}"
LEDGER_ITEM = "  {ref} {content}（{units}）"

# periods and prompts
PERIOD_PROMPT = (
    "【{unit}】{code}报送期已开启{deadline}。贵单位有{count}个项目需要填报本月进展：\n{items}\n"
    "发送“填报”开始，逐项回复即可。"
)
DEADLINE_PART = "，截止{deadline}"
START_REPORT = "填报"

# the filing dialogue's texts are in handlers/filing_texts.py
KIND_LABELS = {"increment": "新增", "total": "总数", "percent": "比例"}
STATUS_LABELS = _ledger.STATUS_LABELS  # one definition: the compiled ledger renders them too

# revise and review what was filed
EDIT_USAGE = "请发送“修改 N”，N为项目编号，例如：修改 24。贵单位的项目编号：{valid}"
EDIT_NOT_YOURS = "第{number}项不是贵单位的项目。贵单位的项目编号：{valid}"
MINE_HEAD = "【{unit}】{code}已填报："
MINE_LINE = (
    "{ref} 第{revision}版 {when}｜{status}{review}\n  进展：{progress}\n  问题：{problems}\n  计划：{plan}"
)
MINE_MISSING = "未填报：{numbers}"
MINE_NONE = "【{unit}】{code}还没有填报任何项目。发送“填报”开始。"
REVIEW_LABELS = {"submitted": "", "accepted": "｜已通过", "returned": "｜已退回：{reason}"}

# exports
EXPORT_USAGE = "请发送“导出 word”“导出 excel”“导出 图表”或“导出 json”，可加报送期，例如：导出 word 2025-03"
EXPORT_CAPTION = "{title}（{period}）"
NO_PERIOD = "还没有任何报送期。"
UNKNOWN_PERIOD = "没有{code}报送期。已有：{codes}"

# groups
BINDGROUP_PRIVATE = "请在要接收汇总的群里发送“绑定群”（/bindgroup）。"
BINDGROUP_DONE = "已把本群设为汇总群：每周五的进展汇总和每月台账会发到这里。"
BINDGROUP_AGAIN = "本群已经是汇总群了。"

# queries
CONTACT_FREE_TEXT = (
    "如需填报本月进展，请先发送“填报”；修改已填的第N项请发送“修改 N”。发送“帮助”查看全部指令。"
)
QUERY_HELP = (
    "可以这样问我：\n  概况 —— 本期总体情况\n  哪些项目滞后 —— 落后于序时进度的项目\n  谁还没报 —— 未报送的单位\n"
    "  卫健局怎么样 —— 某单位的项目\n  充电桩进展 —— 某项目的最新进展\n  充电桩历史 —— 某项目的历次填报"
)
OVERVIEW_PLAN_FLAGS = "\n上月计划在本月进展中未体现：{count}项（问“某项目进展”可看详情）"
PERIOD_STATES = {"open": "填报中", "closed": "已关闭"}
LAGGING_HEAD = "{code}落后于序时进度（{schedule}）的项目共{count}项，按差距排序："
LAGGING_LINE = "{emoji}{ref} {content}（{units}）完成{completion}，落后{gap}个百分点，{status}"
LAGGING_NONE = "{code}没有落后于序时进度的项目（序时进度{schedule}）。👍"
LAGGING_MORE = "……另有{count}项，发送“导出 excel”查看全部。"
MISSING_HEAD = "{code}还有{count}个单位未报送{deadline}："
MISSING_LINE = "· {unit}：{numbers}"
MISSING_NONE = "{code}各单位都已报送。✅"
UNIT_HEAD = "【{unit}】{code}共{count}个项目："
ITEM_BLOCK = (
    "{emoji}{ref} {content}\n  责任单位：{units}｜{status}｜完成{completion}（序时{schedule}）\n"
    "  目标：{targets}\n  进展：{progress}\n  问题：{problems}\n  {plan_month}月计划：{plan}"
)
ITEM_PLAN_FLAG = "  ⚠ 上月计划“{plan}”在本月进展中未体现"
HISTORY_HEAD = "{ref} {content} 历次填报："
HISTORY_LINE = "{code} 第{revision}版｜{who}｜{when}｜{status}{review}\n  {progress}"
HISTORY_NONE = "{ref} 还没有任何填报记录。"
IMPORTED = "导入"
NOT_REPORTED = "未报"

# coordinator commands
OPEN_USAGE = "请写成：开启报送 {code} 截止 {deadline}"
PERIOD_OPENED = "已开启{code}报送期{deadline}，已向{count}位联络员发出填报提醒。"
PERIOD_CLOSED = "已关闭{code}报送期。"
DEADLINE_USAGE = "请写成：截止 {code} {moved}（不写报送期则改当前报送期）"
DEADLINE_SET = "{code}报送期的截止时间已改为{deadline}。"
OPEN_OTHER_OPEN = "{others}报送期还在填报中。确定再开启{code}报送期{deadline}吗？开启后两期同时接受填报。"
OPEN_CONFIRM_AGAIN = "请回复“确认”开启{code}报送期，或回复“取消”。"
OPEN_CANCELLED = "已取消，没有开启{code}报送期。"
PERIOD_BAD_CODE = "报送期“{text}”格式不对，应为 YYYY-MM，例如 {example}。"
# dates: handlers/dates.py shows (with the year only when not this year) and reads them
DATE_MONTH_DAY = "{month}月{day}日{time}"
DATE_WITH_YEAR = "{year}年{month}月{day}日{time}"
DATE_INVALID = "“{text}”不是有效的日期或时间。"
DEADLINE_UNREADABLE = "看不懂截止时间“{text}”。可以写成：{iso}、{full}、{month_day}或{day}（按{time}）"
DEADLINE_PAST = "截止时间{when}已经过去了，请设一个将来的时间。"
DEADLINE_DEFAULT_TIME = "（没写时间，按{time}）"
INVITE_USAGE = "请写成：邀请 单位名称（如：邀请 卫健局），或 邀请 查阅 / 邀请 督查室"
REVIEW_USAGE = "请写成：通过 N，或 退回 N 原因（N为项目编号，如：退回 24 数据与上月不符）"
REVIEW_NEED_REASON = "退回时请写明原因，例如：退回 {number} 累计数与上月不符，请核实"
REVIEW_NOTHING = "第{number}项在{code}还没有填报，无需审核。"
REVIEW_WHICH_UNIT = "第{number}项有{count}个单位填报：{units}。请写明单位，例如：{example}"
REVIEW_ACCEPTED = "已通过第{number}项（{units}）{code}的填报。"
REVIEW_RETURNED = "已退回第{number}项（{units}）{code}的填报，已通知联络员修改。原因：{reason}"
RETURNED_NOTICE = "您单位【{unit}】填报的第{number}项（{code}）被督查室退回。\n原因：{reason}\n请发送“修改 {number}”重新填报。"
RETURNED_NO_CONTACT = "（注意：{unit}还没有绑定联络员，无法通知。）"

# jobs (scheduled postings: reminders, escalation, weekly summary, monthly ledger)
REMIND = (
    "【{unit}】提醒：{code}报送期{deadline}，贵单位还有{count}个项目未填报：\n{items}\n请发送“填报”开始。"
)
REMIND_DEADLINE = "将于{deadline}截止"
ESCALATE_HEAD = "{code}报送期已于{deadline}截止，还有{count}个单位未报送完毕："
ESCALATE_LINE = "· {unit}：{numbers}"
ESCALATE_TAIL = "可发送“谁还没报”查看最新情况。"
WEEKLY_CHART_CAPTION = "{title}（{period}）完成率与序时进度"
MONTHLY_LEDGER_CAPTION = "{title}（{period}）月度台账"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# reading ledger files (the file, row and column are added in front)
FILE_NO_HEADER = "找不到表头（应含“序号”“进展情况”等列），这不像一份进展情况台账"
FILE_EMPTY = "文件是空的"
FILE_ENCODING = "无法识别文件编码（请另存为 UTF-8 文本）"
FILE_BINARY = "这是二进制文件，不是文本台账"
FILE_NO_ROWS = "没有找到表格行（每个单元格应以制表符开头）"
FILE_BAD_DOCX = "无法打开 Word 文件（文件损坏或不是 .docx）"
FILE_NO_TABLE = "文件里没有表格"
FILE_BAD_XLSX = "无法打开 Excel 文件（文件损坏或不是 .xlsx）"
FILE_EMPTY_SHEET = "工作表是空的"
FILE_MISSING = "文件不存在：{path}"
FILE_FORMAT = "不支持的格式“{suffix}”，请使用 .docx、.xlsx 或 .txt"
FILE_TITLE = "无法从标题“{title}”读出年份和月份（应如“2025年一季度…台账”）"
FILE_HEADER_COLUMNS = "表头有{got}列，应为{want}列：{names}"
FILE_HEADER_NAME = "表头应为“{want}”，实为“{got}”"
FILE_ONLY_HEADER = "表格只有表头，没有项目行"
FILE_ROW_CELLS = "这一行有{got}个单元格，应为{want}个"
FILE_SEQ = "序号“{value}”不是数字"
FILE_NO_CATEGORY = "序号或目标任务为空，且上方没有可沿用的值"
FILE_NO_CONTENT = "具体项目内容为空"
FILE_NO_UNIT = "责任单位为空，且本类别上方没有可沿用的单位"
FILE_WHERE_ROW = "第{row}行"
FILE_WHERE_COLUMN = "“{column}”列"

# ledger files sent in chat
UPLOAD_NO_CONTENT = "没有收到文件内容，请重新发送台账文件（.docx、.xlsx 或 .txt）。"
UPLOAD_FAILED = "台账文件没有导入：{error}\n请检查后重新发送。"
UPLOAD_DONE = (
    "已导入台账《{ledger}》（{period}）：共{categories}类、{items}个项目、{units}个单位。\n"
    "新增{created}项，修改{changed}项，停用{retired}项，导入进展{added}条。"
)
UPLOAD_UNCHANGED = (
    "台账《{ledger}》（{period}）与已有内容一致，没有变化：共{categories}类、{items}个项目、{units}个单位。"
)

# (the CLI's texts for operators are in handlers/operator_texts.py; the dashboard's pages in handlers/board/page_texts.py)

# ---- issue 17: hardening (binding lock, admin/invite/backup/audit commands, job posts)
BIND_REFUSED = "绑定码“{code}”无效：可能输错、已被使用或已过期。请核对后重发，或向督查室重新索取。"
BIND_LOCKED = "绑定码错误次数过多，已暂停绑定，请{minutes}分钟后再试，或联系督查室。"
ADMIN_NOBODY = "{who} 没有任何角色。"
ADMIN_LIST_EMPTY = "还没有任何人绑定角色。"
ADMIN_REMOVED = "已移除：{what}"
INVITE_LINE = "{code}  {who}  （还有约{hours}小时有效）"
INVITE_LIST_EMPTY = "没有仍然有效的绑定码。"
INVITE_REVOKED = "绑定码 {code} 已作废。"
INVITE_NOT_LIVE = "绑定码 {code} 不存在、已用过或已过期，无需作废。"
UNIT_UNBOUND = "已解除【{unit}】联络员的绑定：{who}"
UNIT_NO_CONTACT = "【{unit}】没有绑定的联络员。"
PEOPLE_HEAD = "共{count}人有角色："
PEOPLE_TAIL = "移除某人：移除 平台:用户ID；解除某单位联络员：移除 单位名称"
REMOVE_USAGE = "请发送“移除 平台:用户ID”（先发“人员”查看），或“移除 单位名称”解除该单位联络员的绑定。"
REMOVE_NOT_ALLOWED = "督查室和管理员的角色只能由管理员移除。"
INVITES_HEAD = "仍然有效的绑定码{count}个（作废：作废 绑定码）："
REVOKE_USAGE = "请发送“作废 绑定码”，例如：作废 K7Q2M9ABC。发送“有效绑定码”查看。"
HELP_COORDINATOR_ADMIN = (
    "\n  人员 —— 查看有角色的人员（/people）\n"
    "  移除 单位 或 平台:用户ID —— 解除单位联络员的绑定、移除角色（/remove）\n"
    "  有效绑定码 —— 查看仍然有效的绑定码（/invites）；作废 绑定码 —— 作废泄露的绑定码（/revoke）"
)
NO_SENDER = (
    "本进程不能向 {platform} 发消息，消息已留在待发队列，由 {platform} 的进程"
    "（ledgerbot run {platform} 或 ledgerbot web）发出；若未配置该平台，请先配置"
    " (no {platform} sender in this process: kept for the {platform} process)"
)
# ---- issue 21: the leaders' dashboard (看板)
BOARD_LINK = "您的看板链接（{hours}小时内有效，只供本人使用，请勿转发）：\n{url}"
BOARD_LINK_GROUP = "看板链接是个人的，请私聊我发送“看板”获取。"
BOARD_OFF = "看板尚未开启：请管理员设置 LEDGERBOT_WEB__SECRET 后重启服务。"
# ---- issue 15: questions in coordinators' own words (filters, counts, months, follow-ups)
QUERY_PERIOD_HEAD = "【{code}】"
QUERY_UNKNOWN_PERIOD = "没有{code}报送期，无法按该月回答。已有：{codes}"
QUERY_SUGGEST = "没太明白您想问哪一项。您是不是想问：\n{items}\n回复序号（如“第{first}项”）即可。"
QUERY_SUGGEST_LINE = "  {ref} {content}"
QUERY_CHOOSE = "有{count}个项目符合，先列出如下；回复“第N个”或项目序号可只看其中一项：\n{items}"
QUERY_ITEM_UNKNOWN = "台账中没有第{number}项（共{count}项）。"
OVERVIEW_UNITS = (
    "【{title}】\n报送期{code}（{state}），序时进度{schedule}。\n"
    "单位：{units}个，已报送{filed}个，部分报送{partly}个，未报送{missing}个{missing_names}\n"
    "项目：{items}项，已完成{completed}、推进中{in_progress}、前期准备{preparing}、未启动{not_started}\n"
    "亮灯：🟢{green} 🟡{yellow} 🔴{red}{plan_flags}"
)
LIST_HEAD = {
    "red": "{code}亮红灯（严重滞后）的项目共{count}项{unit}：",
    "yellow": "{code}亮黄灯（轻微滞后）的项目共{count}项{unit}：",
    "completed": "{code}已完成的项目共{count}项{unit}：",
    "not_started": "{code}未启动的项目共{count}项{unit}：",
}
LIST_NONE = {
    "red": "{code}没有亮红灯的项目{unit}。",
    "yellow": "{code}没有亮黄灯的项目{unit}。",
    "completed": "{code}还没有已完成的项目{unit}。",
    "not_started": "{code}没有未启动的项目{unit}。",
}
LIST_OF_UNIT = "（{unit}）"
LIST_LINE = "{emoji}{ref} {content}（{units}）完成{completion}，{status}"
UNIT_LAGGING_HEAD = "{code}{unit}落后于序时进度（{schedule}）的项目共{count}项："
UNIT_LAGGING_NONE = "{code}{unit}没有落后于序时进度的项目（序时进度{schedule}）。👍"
UNIT_PROBLEMS_HEAD = "{code}{unit}反映的问题共{count}项："
ALL_PROBLEMS_HEAD = "{code}各单位反映的问题共{count}项："
UNIT_PROBLEMS_LINE = "· {ref} {content}：{problems}"
UNIT_PROBLEMS_NONE = "{code}{unit}没有反映问题。"
FILED_HEAD = "{code}已报送的单位共{count}个（全部{total}个）："
FILED_LINE = "· {unit}{partly}"
FILED_PARTLY = "（部分报送，未报：{numbers}）"
FILED_NONE = "{code}还没有单位报送。"
COUNT_MISSING = "{code}还有项目未报送的单位：{count}个（共{total}个，其中部分报送{partly}个）。{names}"
COUNT_FILED = "{code}已报送的单位：{count}个（共{total}个，其中部分报送{partly}个）。{names}"
COUNT_LAGGING = "{code}落后于序时进度（{schedule}）的项目：{count}项（🔴{red} 🟡{yellow}）。{names}"
COUNT_NAMES = "\n{names}"
# ---- issue 14: importing any ledger layout
I14_TABLE_NAME = "第{n}个表格"
I14_TOO_WIDE = "表格有{got}列，超过上限{most}列，这不像一份台账"
I14_TOO_LONG = "表格超过{most}行，超过上限；请分成几个文件上传"
I14_TOO_BIG = "文件有{mb}MB，超过上限{most}MB"
I14_TOO_BIG_CUT = "文件超过上限{most}MB"
I14_UNZIPPED = "文件解压后有{mb}MB，超过上限，已拒绝"
I14_RATIO = "文件中的“{name}”压缩比异常（疑似压缩炸弹），已拒绝"
I14_MERGES = "表格有{got}个合并区域，超过上限{most}个"
I14_MERGE_RANGE = "合并区域 {ref} 超出表格范围上限，已拒绝"
I14_SPAN = "单元格横跨{got}列，超过上限{most}列，已拒绝"
I14_BAD_CSV = "CSV 文件格式有误：{error}"
I14_FORMAT = "不支持的格式“{suffix}”，请使用 .docx、.xlsx、.xls、.doc、.wps、.csv 或 .txt"
I14_BAD_XLS = "无法打开旧版 Excel 文件（文件损坏或不是 .xls）"
I14_NO_SOFFICE = "本机未安装 LibreOffice，读不了旧版格式。请用 WPS 或 Word/Excel 打开这个文件，点“文件 → 另存为”，文件类型选 .{to}，保存后重新上传或导入新文件"
I14_CONVERT_FAILED = "无法转换这个旧版文件。请用 WPS 或 Word/Excel 打开它，点“文件 → 另存为”，文件类型选 .{to}，保存后重新上传或导入新文件"
I14_NO_LEDGER = "找不到台账表格：需要一行表头，含项目内容列（如“具体项目内容”“项目名称”“工作任务”）和责任单位列（如“责任单位”“牵头单位”）。找到的表头：{found}"
I14_NO_LEDGER_NONE = "（没有像表头的行）"
I14_MISSING_COLUMN = "表头缺少{what}列；找到的表头：{found}"
I14_WHAT_CONTENT = "项目内容（如“具体项目内容”“项目名称”“工作任务”）"
I14_WHAT_UNIT = "责任单位（如“责任单位”“牵头单位”“主责单位”）"
I14_NO_UNIT = "责任单位为空，且上方没有可沿用的单位"
I14_NO_ITEMS = "表头下面没有项目行"
I14_NO_CATEGORY = "全部事项"
I14_NO_PERIOD = "无法从标题“{title}”或表头读出年份和月份；请在标题中写明，如“2025年1-6月…台账”"
I14_CLI_PERIOD = "--period 应为 YYYY-MM，实为“{period}”"
I14_CATEGORY_TITLE = "类别"
I14_PREVIEW_COLUMN = "  {title} → {meaning}"
I14_PREVIEW = (
    "台账文件已读取，尚未导入。\n《{ledger}》{period}：{categories}个类别、{items}个项目、{units}个责任单位。\n"
    "列的识别：\n{mapping}\n导入后：新增{new}项，修改{changed}项，停用{retired}项。\n"
    "回复“确认”导入，回复“取消”放弃。"
)
I14_PREVIEW_WARNING = (
    "⚠️ 注意：这个文件会停用现有{before}项中的{retired}项（超过一半）！请核对是否传错了文件。"
)
I14_CONFIRM_AGAIN = "请回复“确认”导入这个台账文件，或回复“取消”放弃。"
I14_CANCELLED = "已取消，台账没有任何改动。"
I14_GONE = "找不到待确认的台账文件，请重新发送。"
I14_UNDONE = "已撤销导入《{ledger}》（文件 {filename}）：删除该次导入的进展{removed}条，{restored}。"
I14_UNDONE_RESTORED = "台账的项目、单位和各列已恢复为导入前的样子"
I14_UNDONE_EMPTY = "这是该台账的第一次导入，其项目已全部停用"
I14_NOTHING_TO_UNDO = "没有可以撤销的导入。"
I14_CONCEPT_NAMES = {
    "seq": "序号",
    "category": "类别",
    "content": "项目内容",
    "unit": "责任单位",
    "partner": "配合单位",
    "leader": "责任领导",
    "deadline": "完成时限",
    "progress": "进展情况",
    "problems": "存在问题",
    "plan": "下步计划",
    "problems_plan": "存在问题及下步计划",
    "note": "备注",
    "other": "其他（原样保留）",
}
I14_TOO_SLOW = "读取超过{seconds}秒仍未完成，已停止；文件可能过大或结构异常"
I14_TOO_COMPLEX = "文件结构过于复杂，读取时超出内存上限，已拒绝"
I14_CLI_NO_FILE = "请给出台账文件，或用 --undo 撤销上次导入"
I14_CHOICES = ("确认", "取消")
I14_YES_WORDS = ("确认", "确定", "是", "导入", "/confirm", "confirm")
I14_NO_WORDS = ("取消", "不导入", "放弃", "否", "/cancel", "cancel")
I14_UNDO_WORDS = ("撤销导入", "/undo_import", "undo_import")
