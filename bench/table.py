"""The benchmark's JSON (`bench/run.py --json FILE`) as the markdown table of docs/performance.md.

    .venv/bin/python bench/table.py bench/results/run.json
"""

import json
import sys


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    print("| db | rows | page | req/s | bare req/s | share of bare | target | p50 ms | p99 ms | other load | verdict |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for fig in data["figures"]:
        bare = fig["page"] == "bare 5 KB page"
        share = fig["rps"] / fig["bare_rps"] if fig["bare_rps"] else 0
        rows = f"{fig['rows']:,}" if fig["rows"] else ""
        other = f"{fig['other_load']:.0%}" if fig["other_load"] >= 0.1 else "<10%"
        verdict = "ceiling" if bare else "; ".join(filter(None, [fig["verdict"], fig.get("note", "")]))
        target = "" if bare else f"{fig.get('target_share', 0.3):.0%}"
        print(f"| {fig['db']} | {rows} | {fig['page']} | {fig['rps']:,.0f} | {fig['bare_rps']:,.0f} | {share:.0%} | "
              f"{target} | {fig['p50_ms']:.1f} | {fig['p99_ms']:.1f} | {other} | {verdict} |")
    for mem in data["memory"]:
        workers = ", ".join(f"{r:.1f} MB" for r in mem["workers_rss_mb"])
        print(f"| {mem['db']} | {mem['rows']:,} | worker RSS after load | {workers} (peak {mem['peak_hwm_mb']:.1f} MB) "
              f"| | | | | | | {mem['verdict']} (< 150 MB) |")


if __name__ == "__main__":
    main(sys.argv[1])
