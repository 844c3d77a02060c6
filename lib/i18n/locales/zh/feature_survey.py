"""简体中文: item-level survey answers and top-box share (stats.survey_*), the run-chart
slide of the meeting (meeting.*) — issue 21; the lead regroups these."""

MESSAGES: dict[str, str] = {
    # the top-box share on the satisfaction page
    "stats.survey_title": "题目级答卷：首选率（Top-box）",
    "stats.survey_help": (
        "首选率＝选择量表最高一档（如“非常满意”）的答卷所占比例，括号外为答卷数n，"
        "区间为Wilson 95%置信区间；答卷少于{n}份标为样本量不足。"
        "满意度普遍偏高时，首选率比平均分更能区分科室。"
    ),
    "stats.survey_empty": (
        "尚无题目级答卷。活动办公室可从问卷星、腾讯问卷等平台导出答卷明细"
        "（CSV或Excel，每行一份答卷），在下方“导入题目级答卷”中导入后，这里显示各科室各题目的首选率。"
    ),
    "stats.survey_month": "月份",
    "stats.survey_items_chart": "各题目首选率（全部科室合计，含95%置信区间）",
    "stats.survey_table": "各科室各题目首选率",
    "stats.survey_col_item": "题目",
    "stats.survey_col_share": "首选率（%）",
    "stats.survey_col_top": "首选答卷数",
    "stats.survey_col_departments": "科室数",
    "stats.survey_all_departments": "全部科室合计",
    # the import
    "stats.survey_import": "导入题目级答卷（问卷星、腾讯问卷导出）",
    "stats.survey_import_help": (
        "上传平台导出的答卷明细：第一行为表头，每行一份答卷。请指定科室列、日期（或月份）列、"
        "题目列和量表；系统按表头给出建议，请逐项核对。任何一行有问题都不会导入，问题按工作表、行、列列出。"
    ),
    "stats.survey_upload": "答卷文件（.csv 或 .xlsx）",
    "stats.survey_map_department": "科室列",
    "stats.survey_map_date": "日期或月份列",
    "stats.survey_no_column": "（无）",
    "stats.survey_map_month": "全部答卷计入月份",
    "stats.survey_map_items": "题目列",
    "stats.survey_map_scale": "量表",
    "stats.survey_map_top": "首选（Top-box）答案",
    "stats.survey_map_top_help": "选中的答案及更好的答案计为首选；默认只计最高一档。",
    "stats.survey_scale_words5": "非常不满意／不满意／一般／满意／非常满意",
    "stats.survey_scale_words5_very": "很不满意／不满意／一般／满意／很满意",
    "stats.survey_scale_numbers5": "数字 1–5",
    "stats.survey_scale_numbers10": "数字 1–10",
    "stats.survey_scale_numbers0_10": "数字 0–10",
    "stats.survey_problems": "发现{count}个问题，未导入任何数据：",
    "stats.survey_preview": "预览：{respondents}份答卷、{answers}个答案，涉及{departments}个科室（{months}）。",
    "stats.survey_skipped": "{count}份答卷的题目全部未作答，将跳过。",
    "stats.survey_preview_table": "各科室各月份的答卷数",
    "stats.survey_col_respondents": "答卷数",
    "stats.survey_confirm": "确认导入",
    "stats.survey_done": "已导入{count}个答案。",
    # refusals (sheet, row, column named)
    "stats.survey_error_file": "无法读取文件（应为 .csv 或 .xlsx）",
    "stats.survey_error_too_many": "文件超过{max}行，请分批导入",
    "stats.survey_error_empty": "文件中没有答卷",
    "stats.survey_error_no_department": "请选择科室列",
    "stats.survey_error_no_date": "请选择日期列，或指定全部答卷所属的月份",
    "stats.survey_error_no_items": "请至少选择一个题目列和量表",
    "stats.survey_error_cell_empty": "工作表“{sheet}”第{row}行“{column}”列：为空",
    "stats.survey_error_department": "工作表“{sheet}”第{row}行“{column}”列：科室“{value}”不存在（请使用系统中的科室名称或编码）",
    "stats.survey_error_date": "工作表“{sheet}”第{row}行“{column}”列：无法识别的日期“{value}”",
    "stats.survey_error_month": "工作表“{sheet}”第{row}行“{column}”列：{period}不在本活动已开始的月份内",
    "stats.survey_error_locked": "工作表“{sheet}”第{row}行“{column}”列：{period}已锁定，不能导入",
    "stats.survey_error_answer": "工作表“{sheet}”第{row}行“{column}”列：答案“{value}”不在量表内（{scale}）",
    "stats.survey_error_score": "答案“{answer}”不在量表内",
    "stats.survey_error_item": "题目名称为空或过长",
    "stats.survey_error_row": "工作表“{sheet}”第{row}行：{reason}",
    "stats.survey_error_again": "该文件已于{when}由{who}导入，不能重复导入",
    # the run-chart slide of the meeting and the deck
    "meeting.slide_runchart": "活动总体完成率运行图",
    "meeting.runchart_signals": "信号（{method}）",
    "meeting.notes_runchart": "活动总体完成率，中位数{median}；{signals}",
}
