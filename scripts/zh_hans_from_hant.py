"""Draft Simplified Chinese (zh-Hans) from the Traditional (zh-Hant) catalogs with OpenCC, then keep
what a person has reviewed.

    .venv/bin/python scripts/zh_hans_from_hant.py

- Every msgstr of locale/zh-Hant/{content,ui}.po is converted with OpenCC `hk2s` (Hong Kong
  Traditional to Simplified), then `GLOSSARY` swaps Hong Kong and Taiwan words for the ones used on
  the mainland (短讯 -> 短信, 急症室 -> 急诊室, K仔 -> K粉 ...).
- An entry whose translator comment says `reviewed` is a line a person has read in Simplified and
  corrected where needed: it is kept as it is, never converted again.
- Each entry says which it is: `# opencc hk2s from zh-Hant` or `# reviewed`. The file header counts them.
- validation.yaml is converted the same way.

OpenCC is a development dependency (requirements-dev.txt); the app never runs it.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import opencc
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "assessments" / "locale"
# Hong Kong / Taiwan usage -> mainland usage, applied after the character conversion.
GLOSSARY = [
    ("短讯", "短信"), ("发短信给", "发短信给"), ("急症室", "急诊室"), ("K仔", "K粉"), ("致电", "拨打"),
    ("网上对话", "在线聊天"), ("网上", "在线"), ("家庭医生", "家庭医生"), ("复原卧式", "复原体位"),
    ("发羊吊", "癫痫发作"), ("抽搐（癫痫发作）", "抽搐（癫痫发作）"), ("邮政编号", "邮政编码"),
    ("检视", "查看"), ("分页", "标签页"), ("伺服器", "服务器"), ("档案", "文件"), ("列印本", "打印件"),
    ("列印", "打印"), ("资料", "信息"), ("电邮", "电子邮件"), ("讯息", "信息"), ("视像", "视频"),
    ("传译员", "口译员"), ("传译", "口译"), ("网志", "博客"), ("网页", "网页"), ("登记前筛查", "就诊前筛查"),
    ("开药医生", "开药医生"), ("义工", "志愿者"), ("志工", "志愿者"), ("同路人", "同伴"), ("K 洞", "K 洞"),
    ("摇头丸", "摇头丸"), ("冰毒", "冰毒"), ("海洛英", "海洛因"), ("可卡因", "可卡因"), ("安非他命", "苯丙胺"),
    ("甲基苯丙胺", "甲基苯丙胺"), ("苯二氮平", "苯二氮䓬"), ("二维码", "二维码"), ("入耳", "听得进去"),
    ("甚么", "什么"), ("职员", "工作人员"), ("「", "“"), ("」", "”"), ("支援", "支持"), ("联络", "联系"),
    ("星期", "周"), ("聆听", "倾听"), ("泳池", "游泳池"), ("浸浴", "泡澡"), ("以上皆没有", "以上都没有"),
    ("召唤救援", "呼叫救援"), ("痛楚", "疼痛"), ("气促", "呼吸急促"), ("会令", "会使"), ("令他", "让他"),
    ("令你", "让你"), ("令对方", "让对方"), ("引致", "导致"), ("留意", "注意"), ("睇", "看"),
]
TAG = "opencc hk2s from zh-Hant"


def convert(text: str, cc: opencc.OpenCC) -> str:
    out = cc.convert(text)
    for old, new in GLOSSARY:
        out = out.replace(old, new)
    return out


def build(name: str, cc: opencc.OpenCC) -> tuple[int, int]:
    with (LOCALE / "zh-Hant" / name).open("rb") as fh:
        hant = read_po(fh, locale="zh_Hant")
    target = LOCALE / "zh-Hans" / name
    kept = {}
    if target.is_file():
        with target.open("rb") as fh:
            for m in read_po(fh, locale="zh_Hans"):
                if m.id and any("reviewed" in c for c in m.user_comments):
                    kept[m.id if isinstance(m.id, str) else m.id[0]] = m
    hant.locale = "zh_Hans"  # noqa: the catalog's Language header
    reviewed = 0
    for m in hant:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        if key in kept:
            m.string, m.user_comments = kept[key].string, list(kept[key].user_comments)
            reviewed += 1
            continue
        m.string = tuple(convert(s, cc) for s in m.string) if isinstance(m.string, (list, tuple)) else convert(m.string, cc)
        m.user_comments = [TAG]
    total = sum(1 for m in hant if m.id)
    hant.header_comment = (f"# KetaCheck {name} in Simplified Chinese (zh-Hans), drafted from zh-Hant with OpenCC hk2s\n"
                           f"# (scripts/zh_hans_from_hant.py). Lines marked `# reviewed` were read and corrected in\n"
                           f"# Simplified by a person: {reviewed} of {total}. The rest are the conversion, unreviewed.")
    target.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, hant, width=100, sort_output=False, include_previous=False)
    target.write_bytes(buf.getvalue())
    return reviewed, total


def main() -> int:
    cc = opencc.OpenCC("hk2s")
    for name in ("content.po", "ui.po"):
        reviewed, total = build(name, cc)
        print(f"zh-Hans/{name}: {total} strings, {reviewed} reviewed")
    text = (LOCALE / "zh-Hant" / "validation.yaml").read_text(encoding="utf-8")
    (LOCALE / "zh-Hans" / "validation.yaml").write_text(
        "# Converted from zh-Hant/validation.yaml by scripts/zh_hans_from_hant.py.\n" + convert(text, cc), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
