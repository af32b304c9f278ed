"""CPU time of the whole machine, from /proc/stat: what measure_cpu.py and
wait_for_quiet.py compare against their own processes' use."""
import os

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU seconds spent on anything but idle and I/O wait, all cores together."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    # guest time is already counted in user and nice.
    return (user + nice + system + irq + softirq + steal) / _TICKS_PER_SECOND
