"""Text normalisation and character n-grams, shared by training and inference."""

from __future__ import annotations

import re
import unicodedata

NGRAM_MIN = 1
NGRAM_MAX = 3
MAX_CHARS = 2000  # longer texts are cut: a rant does not get more signal after that

_SPACES = re.compile(r"\s+")
# Frequent traditional characters (Hong Kong, Taiwan, older owners) folded to simplified,
# so 著火/煙/電梯/漏氣 meet the same n-grams, keyword lists and danger cues.
_TRADITIONAL = str.maketrans(
    "著煙電梯氣漏燒爐災門閘鎖樓層單廳廚衛廁熱濕滲裝修噪聲響吵鬧貓狗車輛費繳錢帳單據"
    "業戶鄰隔壁員師傅態度緊急請問嗎麼為這個們說話與從後來還沒開關燈線斷損壞換維護報"
    "務處廢垃圾圾桶髒臭蟲蟑螂綠樹葉園藝保潔區園場邊頭裡面邊間聽見覺過時幾點鐘會讓給幫"
    "動靜態險傷醫療護險盜竊監視攝錄訪客陌淨療應該謝讚滿意議導遊戲嚟咗佢喺嘅啲睇唔冇搶賊",
    "着烟电梯气漏烧炉灾门闸锁楼层单厅厨卫厕热湿渗装修噪声响吵闹猫狗车辆费缴钱账单据"
    "业户邻隔壁员师傅态度紧急请问吗么为这个们说话与从后来还没开关灯线断损坏换维护报"
    "务处废垃圾圾桶脏臭虫蟑螂绿树叶园艺保洁区园场边头里面边间听见觉过时几点钟会让给帮"
    "动静态险伤医疗护险盗窃监视摄录访客陌净疗应该谢赞满意议导游戏嚟咗佢喺嘅啲睇唔冇抢贼",
)
_REPEATS = re.compile(r"([!?！？。.~～、，,])\1+")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, one space, repeated punctuation once."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_CHARS].lower()
    text = text.translate(_TRADITIONAL)
    text = _SPACES.sub(" ", text).strip()
    return _REPEATS.sub(r"\1", text)


def ngrams(normalized: str) -> list[str]:
    """Character n-grams (1..3) of an already normalised text, in order."""
    out: list[str] = []
    length = len(normalized)
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        out.extend(normalized[i : i + n] for i in range(length - n + 1))
    return out
