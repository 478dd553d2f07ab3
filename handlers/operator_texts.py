"""Every Chinese text the operators read on the command line (ledgerbot …); chat texts are in handlers/texts.py."""

CLI_NO_LEDGER = "还没有导入台账。先运行：ledgerbot import 台账文件"
CLI_ROLE_CHOICES = "角色应为 {roles}"
CLI_ADMIN_ROLES = "角色应为 admin | coordinator | viewer"
CLI_WHO_FORMAT = "格式应为 PLATFORM:USER_ID，例如 telegram:123456789 或 wecom:zhangsan"
CLI_GROUP_FORMAT = "格式应为 PLATFORM:CHAT_ID，例如 telegram:-1001234567890"
CLI_PERIOD_OPENED = "已开启 {code} 报送期{due}；已向 {sent} 位联络员发送填报提醒。"
CLI_PERIOD_CLOSED = "已关闭 {code} 报送期。"
CLI_INVITE = "【{who}】绑定码，{hours}小时内有效，只能使用一次；请联络员私聊机器人发送“绑定 {code}”。\n{code}"
CLI_ROLE_ADDED = "已把 {who} 设为{role}。"
CLI_ROLE_ALREADY = "{who} 已是{role}（原已设置）。"
CLI_GROUP_ADDED = "已登记汇总群 {group}"
CLI_GROUP_ALREADY = "（原已登记）"
CLI_FAILED = "没有完成：{error}（加 --verbose 查看详细信息）"
CLI_TELEGRAM_TOKEN_REJECTED = (
    "Telegram 拒绝了机器人令牌：请核对 LEDGERBOT_TELEGRAM__TOKEN（在 @BotFather 处查看或重新生成）"
)
# The console chat: who speaks before ">" (the bot, a coordinator, a unit's contact, a viewer).
CONSOLE_BOT = "机器人"
CONSOLE_COORDINATOR = "督查室"
CONSOLE_CONTACT = "联络员（{unit}）"
CONSOLE_VIEWER = "查阅"
CONSOLE_WELCOME = (
    "本地对话：输入消息回车发送；/as 名字 切换用户（admin 为督查室）；/file 路径 上传文件；Ctrl-D 退出。"
)
CONSOLE_LOG_FILE = "日志写入 {path}（加 --verbose 记录更详细的信息）。发送“帮助”开始。"
CLI_BACKUP_DONE = "已备份到 {path}：{tables}张表，共{rows}行。"
CLI_RESTORE_DONE = "已从 {path} 恢复：{tables}张表，共{rows}行。"
CLI_BOARD_ROLES = "角色应为 coordinator | viewer"
CLI_BOARD_HOURS = "有效小时数应为 1 到 720 之间的整数"
CLI_BOARD_OFF = "没有设置 LEDGERBOT_WEB__SECRET（看板链接的签名密钥），无法生成看板链接。"
CLI_BOARD_LINK = "看板链接（{role}，{hours}小时内有效）："
CLI_PERIOD_OTHER_OPEN = (
    "{others} 报送期还开着；要再开启 {code}，请加 --force（或先运行 ledgerbot period close {others}）"
)
CLI_PERIOD_LINE = "{code}  {state}  截止 {deadline}  已填报 {filed}/{total} 项"
CLI_PERIOD_NO_DEADLINE = "（未设）"
CLI_PERIOD_NONE = '还没有任何报送期。开启：ledgerbot period open YYYY-MM --deadline "YYYY-MM-DD HH:MM"'
CLI_DEFAULT_TIME = "（没写时间，按 {time}）"
CLI_GROUP_LINE = "{group}  {name}"
CLI_GROUP_NONE = (
    "还没有登记汇总群。在群里发送“绑定群”，或运行 ledgerbot group add PLATFORM:CHAT_ID --name 名称"
)
CLI_GROUP_REMOVED = "已移除汇总群 {group}"
CLI_GROUP_UNKNOWN = "{group} 不是已登记的汇总群。已登记：{groups}"
