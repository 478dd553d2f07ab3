"""Every Chinese string of the filing dialogue (填报): items, echoes, clarifying questions, numbered replies."""

# monthly collection (填报)
NOT_A_CONTACT = "您还不是任何单位的联络员，无法填报。请向督查室索取绑定码后发送“绑定 绑定码”。"
NO_OPEN_PERIOD = "当前没有开启的报送期，暂时不需要填报。报送期开启时我会提醒您。"
PAST_DEADLINE = "{code}报送期已于{deadline}截止，不能再自行填报或修改。如需更正，请联系督查室退回后修改。"
NO_ITEMS = "【{unit}】在台账中没有需要填报的项目。如有疑问请联系督查室。"
ALL_FILED = "【{unit}】{code}的{count}个项目都已填报。发送“我的”查看，截止前发送“修改 N”可修改第N项。"
ITEM_PROMPT = "【第{index}/{total}项】{ref} {content}"
ITEM_TARGETS = "目标：{targets}"
ITEM_LAST_PROGRESS = "上期（{code}）进展：{progress}"
ITEM_LAST_PLAN = "上期计划：{plan}"
ITEM_CURRENT = "本期已填（第{revision}版）：{progress}"
ASK_PROGRESS = "请回复本月进展。也可一条消息写“进展：…… 问题：…… 计划：……”；暂不填请回复“跳过”。"
TARGET_FMT = "{name}{amount}（{kind}）"
UNDERSTOOD = "我理解的是："
UNDERSTOOD_TARGET = "· {name}：{pair}（完成{completion}）"
UNDERSTOOD_TARGET_NONE = "· {name}：未提到（目标{amount}）"
UNDERSTOOD_STATUS = "状态：{status}"
UNDERSTOOD_NO_NUMBER = "（没有识别到与目标对应的数量）"
CONFIRM_CHOICES = ("确认", "重填", "跳过")
CHOOSE_ONE = "请选择：{choices}（也可以直接回复序号）。如需重写进展，请选“重填”。"
ASK_PROBLEMS = "存在什么问题？没有请回复“无”。"
ASK_PLAN = "请填写{month}月份计划。"
FILED_ITEM = "✅ 已记录 {ref}（第{revision}版）。"
SKIPPED_ITEM = "已跳过 {ref}，之后可发送“修改 {number}”补填。"
REDO = "好的，请重新回复本月进展。"
FINISHED = "本次填报结束：已填报{filed}项{skipped}。截止前发送“修改 N”可修改，发送“我的”可查看。谢谢！"
FINISHED_SKIPPED = "，跳过{count}项（{numbers}）"

# clarifying questions
ASK_INCREMENT_OR_TOTAL = (
    "“{value}{unit}”是本月新增，还是到目前为止的累计总数？（{name}，上期累计{previous}{unit}）"
)
CHOICES_INCREMENT_OR_TOTAL = ("本月新增", "累计总数")
ASK_WHICH_TARGET = "“{value}{unit}”是指哪个目标？"
ASK_DECREASE = "{name}累计{value}{unit}{summed}，比上期的{previous}{unit}还少，确认无误吗？"
ASK_OVER_TARGET = "{name}填的是{value}{unit}{summed}，远超目标{target}{unit}，确认无误吗？"
ASK_CLAIM_BELOW = "您写了“完成”，但{name}只有{value}{unit}{summed}，低于目标{target}{unit}。确认无误吗？"
SUM_OF_PARTS = "（{evidence}相加）"
CHOICES_CONFIRM_VALUE = ("确认无误", "重填")
ASK_FIGURE = "“{evidence}”是指{name}的完成数吗？（目标{target}{unit}）"  # no measure word, 座 for 处, 八成
ASK_TWO_FIGURES = "{name}写了{evidence}，应记哪个数？（目标{target}{unit}）"
CHOICE_RECORD = "记为{value}{unit}"
CHOICES_NOT_RECORDED = ("不记数", "重填")
UNDERSTOOD_UNMATCHED = "· 未对应的数字：{figures}。如是某个目标的完成数，请回复“重填”；不是请回复“确认”。"
REDO_HINT = "好的，请重新回复本月进展。{why}请写成：{example}（数字换成实际完成数）。"
REDO_WHY = "上次没看懂的数字：{figures}。"
EXAMPLE_FMT = "{name}累计{value}{unit}"

# several items in one message
MULTI_FILED = "已按编号分别记录{count}项："
MULTI_LINE = "{ref} {summary}"
ASK_NUMBERED = "行首的数字{marks}是编号（分别填报{items}），还是{ref}的数量？"
CHOICES_NUMBERED = ("编号", "数量")
MULTI_NEEDS_CHECK = "{ref} 需要确认，稍后单独问您。"
