"""scripts/icu_subset.py: the Linux bundle's ICU data library, cut to what QtCore uses, behaves as the
whole one for the program's locale (and English, and the C locale), and keeps the Chinese encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import icu_subset  # noqa: E402

QT_LIB = ROOT / ".venv/lib/python3.11/site-packages/PySide6/Qt/lib"
ICU_DATA = sorted(QT_LIB.glob("libicudata.so.*"))
pytestmark = pytest.mark.skipif(not ICU_DATA, reason="PySide6 ships ICU only on Linux")

# What QtCore asks ICU for (collation, case mapping, time-zone names, named encodings), printed as JSON.
PROBE = r"""
import json, sys
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QStringEncoder, QTimeZone
maps = open("/proc/self/maps").read()
out = {"lib": sorted({line.split()[-1] for line in maps.splitlines() if "libicudata" in line})}
names = ["张伟", "李娜", "王芳", "欧阳㐂", "阿强", "赵敏", "钱多多", "孙悟空", "周杰", "吴军", "褚明", "吕布",
         "长孙无忌", "单雄信", "曾巩", "Zoe", "adam", "Émile", "123", "第10户", "第9户", "𠀀"]
for loc in ("zh_CN", "zh_TW", "en_US", "C"):
    collator = QCollator(QLocale(loc))
    out["sort " + loc] = sorted(names, key=collator.sortKey)
    collator.setNumericMode(True)
    out["numeric " + loc] = collator.compare("第10户", "第9户")
out["case"] = [QLocale(loc).toUpper("iıaßé") + QLocale(loc).toLower("IİAÉΣ") for loc in ("tr_TR", "zh_CN", "en_US")]
out["codecs"] = {name: QStringDecoder(name).isValid() and QStringEncoder(name).isValid()
                 for name in ("GB18030", "GBK", "GB2312", "Big5", "Big5-HKSCS", "windows-1252", "ISO-8859-15",
                              "KOI8-R", "IBM437", "windows-1251")}
zones = {}
for zone in ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "UTC", "Europe/Berlin"):
    tz = QTimeZone(zone.encode())
    zones[zone] = [tz.isValid()] + [tz.displayName(QTimeZone.TimeType.StandardTime, kind, QLocale(loc))
                                     for loc in ("zh_CN", "en_US") for kind in QTimeZone.NameType]
out["zones"] = zones
out["zone ids"] = len(QTimeZone.availableTimeZoneIds())
json.dump(out, sys.stdout, ensure_ascii=False)
"""


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icu") / ICU_DATA[-1].name
    old, new, kept, total = icu_subset.subset_library(ICU_DATA[-1], out)
    assert new < 8 * 2**20 < 25 * 2**20 < old, (old, new)
    assert 500 < kept < total
    return out


def _probe(library_dir: Path | None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if library_dir is not None:
        env["LD_LIBRARY_PATH"] = str(library_dir)  # before the Qt libraries' RUNPATH
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_qt_with_the_subset_behaves_as_with_the_whole_data(subset: Path) -> None:
    whole, cut = _probe(None), _probe(subset.parent)
    assert whole["lib"] == [str(ICU_DATA[-1])] and cut["lib"] == [str(subset)]  # each ran on its own library
    order = cut["sort zh_CN"]
    assert order.index("阿强") < order.index("李娜") < order.index("王芳") < order.index("张伟")  # by pinyin
    del whole["lib"], cut["lib"]
    assert cut == whole
    assert all(cut["codecs"].values()), cut["codecs"]
    assert cut["zones"]["Asia/Shanghai"][1] == "中国标准时间"


def test_the_subset_keeps_what_qt_needs_and_drops_other_locales() -> None:
    archive = icu_subset.read_archive(icu_subset.library_data(ICU_DATA[-1].read_bytes()))
    prefix = next(iter(archive.items)).split("/")[0]
    kept = {name.removeprefix(prefix + "/") for name in icu_subset.choose(archive)}
    for needed in ("root.res", "zh.res", "zh_Hans_CN.res", "en.res", "en_US_POSIX.res", "pool.res", "res_index.res",
                   "coll/root.res", "coll/zh.res", "coll/ucadata.icu", "coll/res_index.res", "zone/zh.res",
                   "zoneinfo64.res", "metaZones.res", "timezoneTypes.res", "supplementalData.res",
                   "likelySubtags.res", "cnvalias.icu", "nfkc.nrm", "gb18030.cnv", "ibm-1386_P100-2001.cnv",
                   "windows-936-2000.cnv", "ibm-1373_P100-2002.cnv", "windows-950-2000.cnv",
                   "ibm-5348_P100-1997.cnv"):
        assert needed in kept, needed
    for dropped in ("ja.res", "de.res", "coll/ja.res", "zone/fr.res", "brkitr/cjdict.dict", "brkitr/word.brk",
                    "translit/root.res", "euc-jp-2007.cnv", "ibm-949_P11A-1999.cnv", "ibm-949_P110-1999.cnv"):
        assert dropped not in kept, dropped


def test_the_archive_reads_back_as_written() -> None:
    archive = icu_subset.read_archive(icu_subset.library_data(ICU_DATA[-1].read_bytes()))
    small = icu_subset.Archive(archive.header, {n: archive.items[n] for n in list(archive.items)[::50]})
    again = icu_subset.read_archive(icu_subset.write_archive(small))
    assert again.header == small.header and list(again.items) == list(small.items)
    for name, data in small.items.items():  # each item padded to 16 bytes, as ICU aligns them
        assert again.items[name].rstrip(b"\0") == data.rstrip(b"\0")


def test_a_file_that_is_not_an_icu_data_library_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        icu_subset.library_data(b"not an ELF file" * 100)
    qtcore = QT_LIB / "libQt6Core.so.6"  # an ELF library, but without ICU data
    with pytest.raises(ValueError, match="icudt"):
        icu_subset.library_data(qtcore.read_bytes())
