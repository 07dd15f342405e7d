"""The rate a county at its peak asks of the portal, from its own yearly figures.

The figures are Changsha County Justice Bureau's report for 2020 (长沙县司法局2020年法治
政府建设工作报告, 2021-02-05, the project's seed). Everything else is an assumption,
stated, chosen generous (each would rather overstate the load), and printed with the
arithmetic, so that a reader can change one and see the effect:

    python bench/peak_rate.py
"""

import sys

#: (what, how many a year, the report's words). Only services the portal takes requests
#: for; notarisation (5,655 cases) and administrative review are not on it.
YEARLY = (
    ("legal aid applications", 447, "共计受理法律援助案件447件"),
    ("legal consultations (calls, visits)", 1100, "接听接待解答法律咨询来电1100人次"),
    ("mediations", 2397, "全县各调解组织共调解各类矛盾纠纷2397起"),
    (
        "village legal adviser services",
        1037 + 167 + 68,
        "为居民开展法律服务1037余次 … 提供法律服务167次 … 参与调解68次",
    ),
    ("enterprise legal health checks", 65, "为全县65家企业开展“法治体检”"),
)
#: Every request made online (today most are made at a counter or by phone).
ONLINE_SHARE = 1.0
#: Pages served per request, all people together: the applicant's (reading, the form's
#: question pages, checking answers, tracking it several times), those of visitors who
#: read and never apply, and the staff's (queue, detail, each action).
PAGES_PER_REQUEST = 100
WORKING_DAYS = 250
WORKING_HOURS = 8
#: The busiest hour of the year against an average working hour (a Monday morning after
#: a holiday), and the busiest second of that hour against its average (visitors arrive
#: in bursts).
PEAK_HOUR_FACTOR = 3
PEAK_SECOND_FACTOR = 10


def county_peak_rate() -> tuple[float, list[str]]:
    """Requests per second at the county's busiest moment, and the arithmetic as lines."""
    lines = ["The county's yearly requests (seed: Changsha County Justice Bureau, report for 2020):"]
    for what, count, words in YEARLY:
        lines.append(f"  {count:>6,}  {what}  ({words})")
    requests = sum(count for _what, count, _words in YEARLY)
    pages = requests * ONLINE_SHARE * PAGES_PER_REQUEST
    seconds = WORKING_DAYS * WORKING_HOURS * 3600
    average = pages / seconds
    peak = average * PEAK_HOUR_FACTOR * PEAK_SECOND_FACTOR
    lines += [
        f"  {requests:>6,}  requests a year",
        f"  x {ONLINE_SHARE:.0%} made online x {PAGES_PER_REQUEST} pages per request = {pages:,.0f} pages a year",
        f"  / ({WORKING_DAYS} working days x {WORKING_HOURS} h x 3,600 s = {seconds:,} s) = {average:.3f} pages/s on average",
        f"  x {PEAK_HOUR_FACTOR} (busiest hour) x {PEAK_SECOND_FACTOR} (busiest second) = {peak:.1f} pages/s at the peak",
    ]
    return peak, lines


def main() -> int:
    peak, lines = county_peak_rate()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
