"""Write bench/data/quick/: the cascades `bench/inference.py --quick` scores, copied from the
shared data sets (../shared/datasets) so that CI, on a fresh clone without them, runs the very
same quick benchmark. Run it again only when the quick subset's definition changes.

    python tools/make_quick_cascades.py
"""

from __future__ import annotations

import csv
import shutil
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import inference as bench  # noqa: E402

OUT = ROOT / "bench" / "data" / "quick"


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    pheme = OUT / "pheme_rumoureval2017"
    shutil.copytree(bench.SHARED / "pheme_rumoureval2017" / "test", pheme / "test")
    for name in ("SOURCE.txt", "rumorCategory.json", "stanceCategory.json"):
        shutil.copy(bench.SHARED / "pheme_rumoureval2017" / name, pheme / name)
    twitter = bench.SHARED / "twitter15_16"
    out = OUT / "twitter15_16"
    out.mkdir(parents=True)
    for name in ("SOURCE.txt", "README.txt"):
        shutil.copy(twitter / name, out / name)
    for dataset in ("twitter15", "twitter16"):
        chosen = bench.quick_subsets(bench.SHARED)[dataset]
        ids = {c.name.split("-", 1)[1] for c in chosen}
        (out / dataset / "tree").mkdir(parents=True)
        with tarfile.open(twitter / "trees_twitter15_16_full.tgz") as tar:
            for member in tar:
                parts = member.name.split("/")
                if dataset in parts[:-1] and parts[-1][:-4] in ids and member.isfile():
                    data = tar.extractfile(member).read()
                    (out / dataset / "tree" / parts[-1]).write_bytes(data)
        labels = (twitter / dataset / "label.txt").read_text(encoding="utf-8").splitlines()
        kept = [line for line in labels if line.split(":", 1)[-1].strip() in ids]
        (out / dataset / "label.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
        with (twitter / dataset / "source_tweets_text.csv").open(encoding="utf-8") as f:
            rows = list(csv.reader(f))
        with (out / dataset / "source_tweets_text.csv").open("w", encoding="utf-8") as f:
            csv.writer(f).writerows([rows[0], *[r for r in rows[1:] if r and r[0] in ids]])
        print(dataset, sorted(ids))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
