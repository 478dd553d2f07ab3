"""The Chinese texts of the dashboard's pages (看板); the chat's 看板 replies are in handlers/texts.py."""

BOARD_TIME = "{m}月{d}日 {hh:02d}:{mm:02d}"
BOARD_TIME_YEAR = "{y}年{m}月{d}日 {hh:02d}:{mm:02d}"
BOARD_NO_LEDGER = "还没有导入台账。"
BOARD_NO_PERIOD = "没有这个报送期。"
BOARD_NO_UNIT = "没有这个单位。"
BOARD_NO_ITEM = "没有这个项目。"
BOARD_NO_FORMAT = "只能下载 Word 或 Excel 台账。"
BOARD_IMPORTED = "导入"
BOARD_SKIPPED = "（本期跳过）"
BOARD_REVIEWS = {"submitted": "待审核", "accepted": "已通过", "returned": "已退回"}
BOARD_TARGET_KINDS = {"increment": "新增", "total": "总数", "percent": "比例"}
BOARD_UNAUTHORIZED = "请在聊天中向机器人发送“看板”，用收到的链接打开看板。"
BOARD_FORBIDDEN = "链接无效或已过期。请在聊天中向机器人发送“看板”获取新链接。"
BOARD_REVOKED = "您已没有查看看板的权限。"
